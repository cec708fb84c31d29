import type { DateInterval, IsoDate } from '../core/dates.js'
import type { CompiledAction, CompiledGraph } from '../compiler/compiled.js'
import type { LiveColumn, ParamValue, Statement } from '../engines/adapter.js'
import type { Dialect } from '../engines/dialect.js'
import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
import type { IntervalPlan } from './plan.js'
import type { RunInfo } from './run-info.js'
import { runParams } from './run-params.js'
import type { ActionPlan, Step } from './steps.js'
import { SUPERSEDE_REASON_PARAM } from './strategies/index.js'

/** What the planner knows: the compiled graph, the run, and the warehouse as read once at the start. */
export interface PlanEnv {
  readonly dialect: Dialect
  readonly graph: CompiledGraph
  readonly run: RunInfo
  /** Batches of every selected incremental action. */
  readonly intervals: ReadonlyMap<string, IntervalPlan>
  /** Live columns of each selected action's relation (keyed `dataset.name`), null when it does not exist. */
  readonly relations: ReadonlyMap<string, readonly LiveColumn[] | null>
  readonly fullRefresh: boolean
  readonly skipAssertions: boolean
  /** Why rows are superseded in this run; default '<mode>:<build sha>'. */
  readonly reason?: string
  /** Per merge action, the starts of batches whose dates the target holds no row of (see readEmptyBatches). */
  readonly emptyBatches?: ReadonlyMap<string, ReadonlySet<IsoDate>>
  /** Statement forgetting an action's recorded intervals (--full-refresh). */
  readonly clearIntervals: (action: string) => Statement
}

export { relationKey } from '../engines/adapter.js'

export function single(action: CompiledAction, env: PlanEnv, steps: readonly Step[]): ActionPlan {
  return { action, range: null, batches: [{ interval: null, params: runParams(env.run), steps, onFailure: [] }] }
}

/** Parameters of one batch: the run's, the interval's, and the supersede reason. */
export function batchParams(env: PlanEnv, interval: DateInterval): Record<string, ParamValue> {
  return {
    ...runParams(env.run),
    [INTERVAL_START]: interval.start,
    [INTERVAL_END]: interval.end,
    [SUPERSEDE_REASON_PARAM]: env.reason ?? `${env.run.mode}:${env.run.buildCommitSha}`,
  }
}

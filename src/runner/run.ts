import type { DateInterval, IsoDate } from '../core/dates.js'
import { ConfigError, CompileError } from '../core/errors.js'
import { selectActions } from '../core/selection.js'
import type { SelectionOptions } from '../core/selection.js'
import type { CompiledAction, CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import { StateStore } from '../state/state-store.js'
import { readStateVersion } from '../state/state-upgrade.js'
import { STATE_VERSION_TABLE } from '../state/state-tables.js'
import { LEDGER_TABLE } from '../migrate/ledger.js'
import { Catalog, catalogTargets } from './catalog.js'
import type { ExecutorEnv } from './executor.js'
import { planIntervals } from './plan.js'
import type { PlanEnv } from './plan-env.js'
import { readEmptyBatches } from './empty-batches.js'
import { relationKey } from './plan-env.js'
import { planToJson } from './plan-json.js'
import { estimatePlanBytes } from './estimate.js'
import { recheckUnverified } from './recheck.js'
import { createProgressFile } from './progress-file.js'
import type { ProgressFileWriter } from './progress-file.js'
import { planActions } from './planner.js'
import { createActionLeases } from './action-lease.js'
import { refuseLayoutChanges } from './layout-check.js'
import type { ActionPlan } from './steps.js'
import type { LiveColumn } from '../engines/adapter.js'
import type { ActionResult, RunEvent, RunResult } from './result.js'
import { executionOrder, schedulePlans } from './scheduler.js'
import type { RunInfo } from './run-info.js'
import { Profiler } from './profile.js'
import { markInterruptedRuns } from './interrupted-runs.js'
import { InputsTracker } from './up-to-date.js'

export interface RunOptions {
  readonly graph: CompiledGraph
  readonly adapter: Adapter
  readonly run: RunInfo
  readonly selection?: SelectionOptions
  readonly from?: IsoDate
  readonly to?: IsoDate
  readonly fullRefresh?: boolean
  readonly restate?: boolean
  /** With restate: skip intervals these runs completed (resuming a killed backfill). */
  readonly resumeRunIds?: readonly string[]
  readonly dryRun?: boolean
  readonly skipAssertions?: boolean
  /** Actions built at once; default from the project (4). */
  readonly concurrency?: number
  /** Command recorded in pipeline_state.runs ('run', 'backfill', 'assert'). */
  readonly command?: string
  readonly reason?: string
  readonly today?: IsoDate
  /** Folder for <run_id>.json; null writes none. */
  readonly runsDir?: string | null
  /**
   * A run file the command opened before the run (`start` reports its migrations and seeding in it);
   * the run goes on writing it (and finishes it) instead of opening its own in runsDir.
   */
  readonly progressFile?: ProgressFileWriter
  readonly onEvent?: (event: RunEvent) => void
  /** Record every statement's hash, kind, duration and rows in the result (`run --profile`). */
  readonly profile?: boolean
}

/** Resolve a selection, refusing unknown names and compile problems (bad input: exit 2). */
export function resolveSelection(graph: CompiledGraph, selection: SelectionOptions = {}): ReadonlySet<string> {
  if (graph.issues.length) throw new CompileError(graph.issues)
  const result = selectActions(
    graph.actions.map((a) => ({
      name: a.name,
      dependencies: a.dependencies,
      tags: a.tags,
      isAssertion: a.kind === 'assertion',
      ...(a.kind === 'assertion' && a.guards ? { guards: a.guards } : {}),
    })),
    selection,
  )
  if (!result.ok)
    throw new ConfigError(`${result.problems.join('\n')}\nRun "pipeline compile" to list the actions`, {
      code: 'unknown-action',
    })
  return result.names
}

/** Plan and run the selected actions; action failures are in the result, never thrown. */
export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const { graph, run } = options
  const selected = resolveSelection(graph, options.selection)
  refuseProtectedFullRefresh(graph, selected, options.fullRefresh)
  options.progressFile?.step(null)
  const progressFile =
    options.progressFile ??
    (options.runsDir && !options.dryRun
      ? createProgressFile({
          dir: options.runsDir,
          run,
          command: options.command ?? 'run',
          skipAssertions: options.skipAssertions ?? false,
          reason: options.reason ?? null,
        })
      : null)
  try {
    return await planAndRun(options, selected, progressFile)
  } catch (error) {
    progressFile?.abort(error instanceof Error ? error.message : String(error))
    throw error
  }
}

async function planAndRun(
  options: RunOptions,
  selected: ReadonlySet<string>,
  progressFile: ProgressFileWriter | null,
): Promise<RunResult> {
  const { graph, run } = options
  const profiler = options.profile ? new Profiler() : undefined
  const { catalog, adapter, state, hasState } = await openWarehouse(options, profiler)
  const actions = executionOrder(graph.actions.filter((a) => selected.has(a.name)))
  // BigQuery: what was recorded when the plan read the intervals, to see a concurrent writer's work later.
  const plannedAfter = adapter.engine === 'bigquery' && hasState ? await state.latestCompletion() : null
  await refuseLayoutChanges(actions, adapter, { fullRefresh: options.fullRefresh ?? false })
  const planning = () => planRun({ ...options, adapter }, actions, hasState ? state : withoutRecordedIntervals(state))
  const plans = await (profiler ? profiler.inScope({ kind: 'introspection', label: 'plan' }, planning) : planning())
  const onEvent = (event: RunEvent) => {
    progressFile?.onEvent(event)
    options.onEvent?.(event)
  }
  onEvent({
    type: 'plan',
    actions: plans.map((p) => ({ name: p.action.name, kind: p.action.kind, intervals: planIntervalsOf(p) })),
  })
  if (options.dryRun) {
    const estimate = await estimatePlanBytes(plans, adapter)
    return { ...finishResult(options, plans.map(dryRunResult), planToJson(plans)), ...(estimate ? { estimate } : {}) }
  }
  const interruptedRuns = await markInterruptedRuns(
    state,
    run.startedAt,
    graph.actions.flatMap((a) => (a.kind === 'incremental' || a.kind === 'table' ? [a.target] : [])),
  )
  await state.startRun({
    runId: run.id,
    command: options.command ?? 'run',
    mode: run.mode,
    status: 'running',
    startedAt: run.startedAt,
    buildCommitSha: run.buildCommitSha,
    deploymentRevision: run.deploymentRevision,
    engine: adapter.engine,
    selection: JSON.stringify(options.selection ?? {}),
    fromDate: options.from ?? null,
    toDate: options.to ?? null,
    skipAssertions: options.skipAssertions ?? false,
    reason: options.reason ?? null,
  })
  const readInputs = () => InputsTracker.create(adapter, state, graph, plans)
  const inputs = await (profiler
    ? profiler.inScope({ kind: 'introspection', label: 'plan' }, readInputs)
    : readInputs())
  const env: ExecutorEnv = {
    adapter,
    state,
    run,
    onEvent,
    skipAssertions: options.skipAssertions ?? false,
    catalog,
    ...(profiler ? { profiler } : {}),
    ...(inputs ? { inputs } : {}),
    // A DuckDB file has one writing process; on BigQuery any number of runs may write at once.
    ...(adapter.engine === 'bigquery' ? { leaseAction: createActionLeases({ state, run, plannedAfter }) } : {}),
  }
  const results = await schedulePlans(plans, env, options.concurrency ?? graph.project.concurrency)
  const recheck = await recheckUnverified({ graph, adapter, run, state })
  const finished = {
    ...finishResult(options, results),
    ...(recheck.unverified.length ? { unverified: recheck.unverified } : {}),
    ...(recheck.verified.length ? { reverified: recheck.verified } : {}),
    ...(interruptedRuns.length ? { interruptedRuns } : {}),
  }
  const count = (s: string) => results.filter((r) => r.status === s).length
  await state.finishRun(run.id, finished.ok ? 'succeeded' : 'failed', finished.finishedAt, {
    succeeded: count('succeeded'),
    failed: count('failed'),
    skipped: count('skipped'),
  })
  const result = profiler ? { ...finished, profile: profiler.summary() } : finished
  progressFile?.finish(result)
  return result
}

/**
 * Read the warehouse catalogue (every relation of the graph, the state tables), then bring the state tables
 * to the current version: one read when it is current. A dry run writes nothing, not even the state tables:
 * a warehouse without them has no interval done. The returned adapter answers introspection from the
 * catalogue (see Catalog).
 */
async function openWarehouse(options: RunOptions, profiler: Profiler | undefined) {
  const { graph, run } = options
  const dataset = graph.project.stateDataset
  const profiled = profiler ? profiler.wrap(options.adapter) : options.adapter
  const stateTables = [STATE_VERSION_TABLE, 'runs', 'intervals', LEDGER_TABLE].map((name) => ({ dataset, name }))
  const read = () => Catalog.read(profiled, catalogTargets(graph.actions, stateTables))
  const catalog = await (profiler ? profiler.inScope({ kind: 'introspection', label: 'catalogue' }, read) : read())
  const adapter = catalog.adapter
  const state = new StateStore(adapter, dataset)
  const found = await readStateVersion(adapter, dataset)
  if (options.dryRun) {
    const hasState = found.version > 0 || (await adapter.tableExists({ dataset, name: 'intervals' }))
    return { catalog, adapter, state, hasState }
  }
  const upgraded = await state.ensure({ buildCommitSha: run.buildCommitSha, found })
  if (upgraded.applied.length) catalog.forgetDataset(dataset)
  return { catalog, adapter, state, hasState: true }
}

/**
 * Read the warehouse once (recorded intervals, the sources' latest dates, the live columns of every
 * incremental target) and return every statement each selected action will send, in order.
 */
export async function planRun(
  options: RunOptions,
  actions: readonly CompiledAction[],
  state: Pick<StateStore, 'completedIntervalsOf' | 'clearIntervalsStatement'>,
): Promise<ActionPlan[]> {
  const { graph, adapter, run } = options
  const selected = new Set(actions.map((a) => a.name))
  const today = options.today ?? run.startedAt.slice(0, 10)
  const intervals = await planIntervals(graph, selected, adapter, state, { ...intervalOptions(options), today })
  const relations = new Map<string, readonly LiveColumn[] | null>()
  for (const action of actions) {
    if (action.kind !== 'incremental') continue
    relations.set(relationKey(action.target), await adapter.describeTable(action.target))
  }
  const emptyBatches = await readEmptyBatches(actions, intervals, relations, adapter, options.fullRefresh ?? false)
  const env: PlanEnv = {
    dialect: adapter.dialect,
    graph,
    run,
    intervals,
    relations,
    emptyBatches,
    fullRefresh: options.fullRefresh ?? false,
    skipAssertions: options.skipAssertions ?? false,
    ...(options.reason ? { reason: options.reason } : {}),
    clearIntervals: (name) => state.clearIntervalsStatement(name),
  }
  return planActions(actions, env)
}

/** The state of a warehouse whose state tables do not exist yet (a dry run creates none). */
function withoutRecordedIntervals(
  state: StateStore,
): Pick<StateStore, 'completedIntervalsOf' | 'clearIntervalsStatement'> {
  return {
    completedIntervalsOf: async () => new Map(),
    clearIntervalsStatement: (action) => state.clearIntervalsStatement(action),
  }
}

function planIntervalsOf(plan: ActionPlan): DateInterval[] {
  return plan.batches.flatMap((b) => (b.interval ? [b.interval] : []))
}

function finishResult(options: RunOptions, results: ActionResult[], plan?: RunResult['plan']): RunResult {
  const { run } = options
  return {
    ok: results.every((r) => r.status !== 'failed'),
    runId: run.id,
    buildCommitSha: run.buildCommitSha,
    deploymentRevision: run.deploymentRevision,
    mode: run.mode,
    startedAt: run.startedAt,
    finishedAt: new Date().toISOString(),
    skipAssertions: options.skipAssertions ?? false,
    dryRun: options.dryRun ?? false,
    actions: results,
    ...(plan ? { plan } : {}),
  }
}

/** The date-range options of a run, as the interval planner takes them. */
function intervalOptions(options: RunOptions) {
  return {
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
    fullRefresh: options.fullRefresh ?? false,
    restate: options.restate ?? false,
    ...(options.resumeRunIds ? { resumeRunIds: options.resumeRunIds } : {}),
  }
}

function refuseProtectedFullRefresh(
  graph: CompiledGraph,
  selected: ReadonlySet<string>,
  fullRefresh: boolean | undefined,
): void {
  if (!fullRefresh) return
  const refused = graph.actions.filter(
    (a) => selected.has(a.name) && a.definition.kind === 'incremental' && a.definition.protected,
  )
  if (refused.length) {
    throw new ConfigError(
      `--full-refresh refused for protected action(s) ${refused.map((a) => `"${a.name}" (${a.file})`).join(', ')}: they hold history that cannot be rebuilt; use "pipeline backfill" for a date range`,
      { code: 'protected-action' },
    )
  }
}

function dryRunResult(plan: ActionPlan): ActionResult {
  return {
    name: plan.action.name,
    kind: plan.action.kind,
    status: 'skipped',
    durationMs: 0,
    rowsWritten: null,
    intervals: planIntervalsOf(plan),
    skippedBecause: '--dry-run',
    checks: [],
    sqlHash: null,
  }
}

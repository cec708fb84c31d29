import { REFERENCE_DATE_PARAM } from '../assertions/types.js'
import { addDays } from '../core/dates.js'
import type { IsoDate } from '../core/dates.js'
import { PipelineError } from '../core/errors.js'
import type { SelectionOptions } from '../core/selection.js'
import { checkPartitionColumn } from '../compiler/compile.js'
import type { CompiledAction, CompiledGraph } from '../compiler/compiled.js'
import type { Adapter, ParamValue } from '../engines/adapter.js'
import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
import type { Target } from '../engines/dialect.js'
import { StateStore } from '../state/state-store.js'
import { blockingFailures, evaluateChecks } from './evaluate-checks.js'
import type { EvaluateOptions } from './evaluate-checks.js'
import { runParams } from './run-params.js'
import type { CheckResult } from './result.js'
import type { RunInfo } from './run-info.js'
import { resolveSelection } from './run.js'
import { checkRecord } from './action-records.js'

export interface AssertOptions {
  readonly graph: CompiledGraph
  readonly adapter: Adapter
  readonly run: RunInfo
  /** Actions whose inline checks run, plus the standalone assertions guarding them; default everything. */
  readonly selection?: SelectionOptions
  /** First date checked (inclusive), through each check's partition column. */
  readonly from?: IsoDate
  /** Last date checked (inclusive); also the freshness reference date (default: the run's date). */
  readonly to?: IsoDate
  /** Called after each action's checks are evaluated and recorded. */
  readonly onAction?: (result: AssertedAction) => void
}

/**
 * 'passed': no error-severity check failed (warnings may have); 'failed': one did; 'errored': the
 * checks could not run (the table does not exist, or the engine failed).
 */
export type AssertStatus = 'passed' | 'failed' | 'errored'

export interface AssertedAction {
  /** The action whose inline checks ran, or the standalone assertion. */
  readonly name: string
  readonly kind: string
  readonly status: AssertStatus
  /** One result per check and partition (one unevaluated result per check when the checks could not run). */
  readonly checks: readonly CheckResult[]
  /** Why the checks could not run ('table-missing', an engine error). */
  readonly error?: { readonly code: string; readonly message: string }
}

export interface AssertResult {
  /** False when an error-severity check failed or a check could not run. */
  readonly ok: boolean
  /** The run recorded in pipeline_state.runs (command 'assert'); results carry it too. */
  readonly runId: string
  readonly buildCommitSha: string
  /** ISO timestamps, UTC. */
  readonly startedAt: string
  readonly finishedAt: string
  /** The checked date range (inclusive), null when open. */
  readonly from: IsoDate | null
  readonly to: IsoDate | null
  /** Actions with checks, sorted by name. */
  readonly actions: readonly AssertedAction[]
}

interface AssertEnv {
  /** The checked range (inclusive), null when open. */
  readonly from: IsoDate | null
  readonly to: IsoDate | null
  readonly graph: CompiledGraph
  readonly adapter: Adapter
  readonly byName: ReadonlyMap<string, CompiledAction>
  readonly params: Readonly<Record<string, ParamValue>>
  readonly restrictToInterval: boolean
  readonly inRange: (partition: string | null) => boolean
}

/** Evaluate the selected actions' checks against their built tables; builds nothing, records every result. */
export async function runAssertions(options: AssertOptions): Promise<AssertResult> {
  const { graph, adapter, run } = options
  const selected = resolveSelection(graph, options.selection)
  const state = new StateStore(adapter, graph.project.stateDataset)
  await state.ensure({ buildCommitSha: options.run.buildCommitSha })
  await state.startRun({
    runId: run.id,
    command: 'assert',
    mode: run.mode,
    status: 'running',
    startedAt: run.startedAt,
    buildCommitSha: run.buildCommitSha,
    deploymentRevision: run.deploymentRevision,
    engine: adapter.engine,
    selection: JSON.stringify(options.selection ?? {}),
    fromDate: options.from ?? null,
    toDate: options.to ?? null,
    skipAssertions: false,
  })
  const env = assertEnv({ ...options, ...(await defaultRange(options, selected, state)) })
  const actions: AssertedAction[] = []
  for (const action of graph.actions.filter((a) => selected.has(a.name) && a.checks.length > 0)) {
    const result = await assertAction(action, env)
    await state.recordAssertionResults(result.checks.map((c) => checkRecord(c, run, new Date().toISOString())))
    actions.push(result)
    options.onAction?.(result)
  }
  const finishedAt = new Date().toISOString()
  const ok = actions.every((a) => a.status === 'passed')
  const failed = actions.filter((a) => a.status !== 'passed').length
  await state.finishRun(run.id, ok ? 'succeeded' : 'failed', finishedAt, {
    succeeded: actions.length - failed,
    failed,
    skipped: 0,
  })
  return {
    ok,
    runId: run.id,
    buildCommitSha: run.buildCommitSha,
    startedAt: run.startedAt,
    finishedAt,
    from: env.from,
    to: env.to,
    actions,
  }
}

/**
 * Where scans are billed by bytes (BigQuery), `assert` without --from/--to checks the dates recorded
 * as built (the selected incremental actions' intervals), never whole tables: a constant partition
 * filter prunes the scan, and a require_partition_filter table accepts the read. Elsewhere an open
 * range checks everything.
 */
async function defaultRange(
  options: AssertOptions,
  selected: ReadonlySet<string>,
  state: StateStore,
): Promise<{ from?: IsoDate; to?: IsoDate }> {
  if (options.from !== undefined || options.to !== undefined) return {}
  if (!options.adapter.dialect.capabilities.supportsDryRunCost) return {}
  let start: IsoDate | undefined
  let end: IsoDate | undefined
  for (const action of options.graph.actions) {
    if (action.kind !== 'incremental') continue
    const guarded = options.graph.actions.some(
      (a) => selected.has(a.name) && (a.name === action.name || (a.kind === 'assertion' && a.guards === action.name)),
    )
    if (!guarded) continue
    for (const interval of await state.completedIntervals(action.name)) {
      if (start === undefined || interval.start < start) start = interval.start
      if (end === undefined || interval.end > end) end = interval.end
    }
  }
  return start !== undefined && end !== undefined && end > start ? { from: start, to: addDays(end, -1) } : {}
}

/** Evaluate one action's checks (inline, or a standalone assertion's) over a date range; records nothing. */
export async function assertActionRange(
  options: Pick<AssertOptions, 'graph' | 'adapter' | 'run' | 'from' | 'to'>,
  action: CompiledAction,
): Promise<AssertedAction> {
  return assertAction(action, assertEnv(options))
}

function assertEnv(options: Pick<AssertOptions, 'graph' | 'adapter' | 'run' | 'from' | 'to'>): AssertEnv {
  const { from, to } = options
  const hasRange = from !== undefined || to !== undefined
  // Open ends become far dates so one statement shape serves every range; values stay parameters.
  const range: Record<string, ParamValue> = hasRange
    ? { [INTERVAL_START]: from ?? '0001-01-01', [INTERVAL_END]: addDays(to ?? '9999-12-30', 1) }
    : {}
  return {
    from: from ?? null,
    to: to ?? null,
    graph: options.graph,
    adapter: options.adapter,
    byName: new Map(options.graph.actions.map((a) => [a.name, a])),
    params: { ...runParams(options.run), ...range, [REFERENCE_DATE_PARAM]: to ?? options.run.startedAt.slice(0, 10) },
    restrictToInterval: hasRange,
    inRange: (partition) =>
      partition === null ||
      ((from === undefined || partition.slice(0, 10) >= from) && (to === undefined || partition.slice(0, 10) <= to)),
  }
}

/** The tables a check group reads: the action's own, a standalone assertion's target, or a query's refs. */
function readTargets(action: CompiledAction, env: AssertEnv): Target[] {
  const definition = action.definition
  const targetOf = (name: string) => env.byName.get(name)?.target ?? null
  const names = definition.kind !== 'assertion' ? [] : definition.target ? [definition.target] : action.dependencies
  const targets = definition.kind === 'assertion' ? names.map(targetOf) : [action.target]
  return targets.filter((t): t is Target => t !== null)
}

async function missingTable(action: CompiledAction, env: AssertEnv): Promise<Target | null> {
  for (const target of readTargets(action, env)) if (!(await env.adapter.tableExists(target))) return target
  return null
}

async function assertAction(action: CompiledAction, env: AssertEnv): Promise<AssertedAction> {
  const owner = action.kind === 'assertion' ? (action.guards ?? action.name) : action.name
  const targets = action.checks.map((c) => ({ name: c.name, action: owner, definition: c.definition }))
  const base = { name: action.name, kind: action.kind }
  try {
    const missing = await missingTable(action, env)
    if (missing) {
      const message = `table "${missing.dataset}.${missing.name}" does not exist; run "pipeline run --actions ${missing.name}" first`
      return {
        ...base,
        status: 'errored',
        checks: targets.map((t) => unevaluated(t, message)),
        error: { code: 'table-missing', message },
      }
    }
    const checks = await evaluateChecks(targets, evaluateOptions(action, env))
    return { ...base, status: blockingFailures(checks).length ? 'failed' : 'passed', checks }
  } catch (error) {
    const code = error instanceof PipelineError ? error.code : 'assert-failed'
    const message = error instanceof Error ? error.message : String(error)
    return { ...base, status: 'errored', checks: targets.map((t) => unevaluated(t, message)), error: { code, message } }
  }
}

function evaluateOptions(action: CompiledAction, env: AssertEnv): EvaluateOptions {
  const { dialect } = env.adapter
  const isStandalone = action.kind === 'assertion'
  return {
    adapter: env.adapter,
    // Standalone checks are bound to their target at compile time; a query assertion reads its own SQL.
    relation: action.target && !isStandalone ? dialect.formatTarget(action.target) : '(none)',
    partitionColumn: isStandalone ? null : checkPartitionColumn(action.definition),
    resolveRelation: (name) => {
      const upstream = env.byName.get(name)?.target
      return upstream ? dialect.formatTarget(upstream) : dialect.quoteIdentifier(name)
    },
    params: env.params,
    restrictToInterval: env.restrictToInterval,
    // Query assertions cannot be filtered in SQL: their partitions outside the range are not judged.
    partitions: env.inRange,
  }
}

function unevaluated(
  check: { name: string; action: string; definition: CompiledAction['checks'][number]['definition'] },
  reason: string,
): CheckResult {
  return {
    assertion: check.name,
    action: check.action,
    builtin: check.definition.builtin,
    severity: check.definition.severity,
    partition: null,
    observed: null,
    threshold: '',
    rowCount: 0,
    passed: false,
    skipped: false,
    message: `${check.name} could not run: ${reason}`,
    sample: [],
  }
}

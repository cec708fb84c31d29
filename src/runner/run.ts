import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { closure, dependentsIndex } from '../core/graph.js'
import type { IsoDate } from '../core/dates.js'
import { ConfigError, CompileError } from '../core/errors.js'
import { selectActions } from '../core/selection.js'
import type { SelectionOptions } from '../core/selection.js'
import type { CompiledAction, CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import { StateStore } from '../state/state-store.js'
import { executeAction } from './execute-action.js'
import type { ExecutionEnv } from './execute-action.js'
import { planIntervals } from './plan.js'
import type { ActionResult, CheckResult, RunEvent, RunResult } from './result.js'
import type { RunInfo } from './run-info.js'

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
  readonly onEvent?: (event: RunEvent) => void
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
      ...(a.guards ? { guards: a.guards } : {}),
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
  const { graph, adapter, run } = options
  const selected = resolveSelection(graph, options.selection)
  refuseProtectedFullRefresh(graph, selected, options.fullRefresh)
  const state = new StateStore(adapter, graph.project.stateDataset)
  await state.ensure()
  const today = options.today ?? run.startedAt.slice(0, 10)
  const plans = await planIntervals(graph, selected, adapter, state, { ...pick(options), today })
  const onEvent = options.onEvent ?? (() => undefined)
  const actions = graph.actions.filter((a) => selected.has(a.name))
  onEvent({
    type: 'plan',
    actions: actions.map((a) => ({ name: a.name, kind: a.kind, intervals: plans.get(a.name)?.batches ?? [] })),
  })
  const skipAssertions = options.skipAssertions ?? false
  if (!options.dryRun) {
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
      skipAssertions,
      reason: options.reason ?? null,
    })
  }
  const env: ExecutionEnv = {
    adapter,
    state,
    graph,
    run,
    plans,
    fullRefresh: options.fullRefresh ?? false,
    skipAssertions,
    onEvent,
    ...(options.reason ? { reason: options.reason } : {}),
  }
  const results = options.dryRun
    ? actions.map((a) => dryRunResult(a, plans.get(a.name)?.batches ?? []))
    : await schedule(actions, env, options.concurrency ?? graph.project.concurrency)
  const finishedAt = new Date().toISOString()
  const ok = results.every((r) => r.status !== 'failed')
  const result: RunResult = {
    ok,
    runId: run.id,
    buildCommitSha: run.buildCommitSha,
    deploymentRevision: run.deploymentRevision,
    mode: run.mode,
    startedAt: run.startedAt,
    finishedAt,
    skipAssertions,
    dryRun: options.dryRun ?? false,
    actions: results,
  }
  if (!options.dryRun) {
    const count = (s: string) => results.filter((r) => r.status === s).length
    await state.finishRun(run.id, ok ? 'succeeded' : 'failed', finishedAt, {
      succeeded: count('succeeded'),
      failed: count('failed'),
      skipped: count('skipped'),
    })
    if (options.runsDir) await writeRunFile(options.runsDir, result)
  }
  return result
}

function pick(options: RunOptions) {
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

function dryRunResult(action: CompiledAction, intervals: ActionResult['intervals']): ActionResult {
  return {
    name: action.name,
    kind: action.kind,
    status: 'skipped',
    durationMs: 0,
    rowsWritten: null,
    intervals,
    skippedBecause: '--dry-run',
    checks: [],
    sqlHash: null,
  }
}

async function schedule(
  actions: readonly CompiledAction[],
  env: ExecutionEnv,
  concurrency: number,
): Promise<ActionResult[]> {
  const names = new Set(actions.map((a) => a.name))
  const pending = new Map(actions.map((a) => [a.name, a]))
  const dependents = dependentsIndex(
    actions.map((a) => ({ name: a.name, dependencies: a.dependencies.filter((d) => names.has(d)) })),
  )
  const waitingOn = new Map(actions.map((a) => [a.name, new Set(a.dependencies.filter((d) => names.has(d)))]))
  const results = new Map<string, ActionResult>()
  const running = new Map<string, Promise<void>>()
  const finish = (result: ActionResult) => {
    results.set(result.name, result)
    for (const next of dependents.get(result.name) ?? []) waitingOn.get(next)?.delete(result.name)
    if (result.status !== 'failed' && result.skippedBecause === undefined) return
    const cause = result.skippedBecause ?? result.name
    for (const name of closure([result.name], (n) => dependents.get(n) ?? [])) {
      const action = pending.get(name)
      if (!action) continue
      pending.delete(name)
      const skipped: ActionResult = {
        name,
        kind: action.kind,
        status: 'skipped',
        durationMs: 0,
        rowsWritten: null,
        intervals: [],
        skippedBecause: cause,
        checks: [],
        sqlHash: null,
      }
      results.set(name, skipped)
      env.onEvent({ type: 'action-end', result: skipped })
    }
  }
  while (pending.size || running.size) {
    for (const [name, action] of [...pending]) {
      if (running.size >= concurrency) break
      if ((waitingOn.get(name)?.size ?? 0) > 0) continue
      pending.delete(name)
      running.set(
        name,
        runOne(action, env).then(async (result) => {
          try {
            await recordResult(env, result)
          } finally {
            running.delete(name)
          }
          finish(result)
          env.onEvent({ type: 'action-end', result })
        }),
      )
    }
    // A state write failing is unrecoverable: race rejects and the run stops with that error.
    if (running.size) await Promise.race(running.values())
    else if (pending.size) throw new Error(`scheduler stalled with ${[...pending.keys()].join(', ')} waiting`)
  }
  return actions.map((a) => results.get(a.name) as ActionResult)
}

async function runOne(action: CompiledAction, env: ExecutionEnv): Promise<ActionResult> {
  env.onEvent({ type: 'action-start', name: action.name })
  const started = performance.now()
  const outcome = await executeAction(action, env)
  return {
    name: action.name,
    kind: action.kind,
    status: outcome.error ? 'failed' : 'succeeded',
    durationMs: Math.round(performance.now() - started),
    rowsWritten: outcome.rowsWritten,
    intervals: outcome.intervals,
    checks: outcome.checks,
    sqlHash: outcome.sqlHash,
    ...(outcome.error ? { error: { code: outcome.error.code, message: outcome.error.message } } : {}),
  }
}

async function recordResult(env: ExecutionEnv, result: ActionResult): Promise<void> {
  const { run, state } = env
  const finishedAt = new Date().toISOString()
  const first = result.intervals[0]
  const last = result.intervals.at(-1)
  await state.recordActionRun({
    runId: run.id,
    action: result.name,
    kind: result.kind,
    status: result.status,
    startedAt: new Date(Date.now() - result.durationMs).toISOString(),
    finishedAt,
    durationMs: result.durationMs,
    rowsWritten: result.rowsWritten,
    interval: first && last ? { start: first.start, end: last.end } : null,
    sqlHash: result.sqlHash,
    buildCommitSha: run.buildCommitSha,
    errorCode: result.error?.code ?? null,
    errorMessage: result.error?.message ?? null,
    skippedBecause: result.skippedBecause ?? null,
  })
  await state.recordAssertionResults(result.checks.map((c) => checkRecord(c, run, finishedAt)))
}

export function checkRecord(c: CheckResult, run: RunInfo, evaluatedAt: string) {
  return {
    runId: run.id,
    assertion: c.assertion,
    action: c.action,
    builtin: c.builtin,
    partition: c.partition,
    observed: c.observed,
    threshold: c.threshold,
    rowCount: c.rowCount,
    severity: c.severity,
    passed: c.passed,
    skipped: c.skipped,
    message: c.message,
    sample: c.sample.length ? JSON.stringify(c.sample.slice(0, 20)) : null,
    buildCommitSha: run.buildCommitSha,
    evaluatedAt,
  }
}

async function writeRunFile(dir: string, result: RunResult): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, `${result.runId}.json`), `${JSON.stringify(result, null, 2)}\n`)
}

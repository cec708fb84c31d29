import { addDays } from '../core/dates.js'
import type { IsoDate } from '../core/dates.js'
import { closure, dependentsIndex } from '../core/graph.js'
import type { CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import { StateStore } from '../state/state-store.js'
import { runAssertions } from './assert.js'
import { deployGate } from './deploy-gate.js'
import { stagingTarget } from './staging.js'
import { writeStrategyFor } from './strategies/index.js'
import type { GitProbe } from './git-probe.js'
import { resolveSelection, runPipeline } from './run.js'
import type { RunResult, RunEvent } from './result.js'
import type { RunInfo } from './run-info.js'

export interface BackfillOptions {
  readonly graph: CompiledGraph
  readonly adapter: Adapter
  /** The run that will write; its mode must be 'backfill'. */
  readonly run: RunInfo
  readonly git: GitProbe
  /** Names or globs of the actions to recompute; their dependents are rebuilt after them. */
  readonly actions: readonly string[]
  readonly from: IsoDate
  readonly to: IsoDate
  readonly reason: string
  /** Fix commits the writing code must contain. */
  readonly requireCommits?: readonly string[]
  /** Stop after preflight and plan. */
  readonly dryRun?: boolean
  /** Check ensureMigrationsCurrent-style problems; returns a message when migrations block. */
  readonly migrationProblem?: () => Promise<string | null>
  readonly runsDir?: string | null
  readonly onEvent?: (event: RunEvent) => void
  /**
   * Called with the preflight and the full plan once they pass, before any write; the backfill runs
   * only when it resolves true (the CLI prints the plan here and asks on a terminal). Default: proceed.
   */
  readonly confirm?: (preview: BackfillPreview) => Promise<boolean>
}

/** What a backfill will do, shown before it writes. */
export type BackfillPreview = Pick<BackfillResult, 'go' | 'checks' | 'dates' | 'plan' | 'resumed' | 'discarded'>

export interface PreflightCheck {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
}

/** Go/no-go for one date: the upstream error assertions that failed on it. */
export interface DateVerdict {
  readonly date: IsoDate
  readonly go: boolean
  readonly failures: readonly string[]
}

export interface PlannedWrite {
  readonly action: string
  readonly date: IsoDate
  /** Rows (active rows for supersede targets) the backfill will replace or supersede on that date. */
  readonly existingRows: number
  /** Those rows per build that wrote them (empty when the table records no build). */
  readonly builds: readonly { readonly buildCommitSha: string; readonly rows: number }[]
  /** False for a dependent rebuilt after the selected actions (e.g. grading after the predictions). */
  readonly selected: boolean
}

export interface BackfillResult {
  readonly go: boolean
  readonly checks: readonly PreflightCheck[]
  readonly dates: readonly DateVerdict[]
  readonly plan: readonly PlannedWrite[]
  /** Runs of an earlier, unfinished backfill with the same settings and build whose completed intervals are kept. */
  readonly resumed: readonly string[]
  /**
   * Unfinished backfills with the same settings but another build: their completed intervals are not
   * kept (a resume never keeps another build's rows); the range is rebuilt by this build.
   */
  readonly discarded: readonly { readonly runId: string; readonly buildCommitSha: string }[]
  /** With dryRun: every statement the backfill would send, per action and batch. */
  readonly statements?: RunResult['plan']
  /** With dryRun where scans are billed by bytes (BigQuery): what each action would scan. */
  readonly estimate?: RunResult['estimate']
  readonly run?: RunResult
  /** True when the confirmation was declined: nothing was written. */
  readonly declined?: boolean
}

function datesOf(from: IsoDate, to: IsoDate): IsoDate[] {
  const dates: IsoDate[] = []
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d)
  return dates
}

/** Preflight (code, schema, inputs) before any write; then plan; then run in batches, resumable. */
export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  const { graph, adapter, run } = options
  const selection = { actions: [...options.actions], includeDependents: true }
  const selected = resolveSelection(graph, { actions: [...options.actions] })
  const state = new StateStore(adapter, graph.project.stateDataset)
  await state.ensure({ buildCommitSha: options.run.buildCommitSha })
  const checks = await codeChecks(options, state)
  const dates = await inputVerdicts(options, selected)
  checks.push({
    name: 'upstream assertions',
    ok: dates.every((d) => d.go),
    detail: `${dates.filter((d) => d.go).length} of ${dates.length} date(s) pass every upstream error assertion`,
  })
  const plan = await planWrites(graph, adapter, selected, resolveSelection(graph, selection), options)
  const unfinished = await state.unfinishedRuns('backfill', JSON.stringify(selection), options.from, options.to)
  const resumed = unfinished.filter((u) => u.buildCommitSha === run.buildCommitSha).map((u) => u.runId)
  const discarded = unfinished.filter((u) => u.buildCommitSha !== run.buildCommitSha)
  const go = checks.every((c) => c.ok)
  if (!go) return { go, checks, dates, plan, resumed, discarded }
  const runOptions = {
    graph,
    adapter,
    run,
    selection,
    from: options.from,
    to: options.to,
    restate: true as const,
    resumeRunIds: resumed,
    command: 'backfill',
    reason: `backfill:${options.reason}`,
    runsDir: options.runsDir ?? null,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  }
  if (options.dryRun) {
    const dry = await runPipeline({ ...runOptions, dryRun: true })
    return {
      go,
      checks,
      dates,
      plan,
      resumed,
      discarded,
      ...(dry.plan ? { statements: dry.plan } : {}),
      ...(dry.estimate ? { estimate: dry.estimate } : {}),
    }
  }
  const preview = { go, checks, dates, plan, resumed, discarded }
  if (options.confirm && !(await options.confirm(preview))) return { ...preview, declined: true }
  const result = await runPipeline(runOptions)
  return { ...preview, run: result }
}

async function codeChecks(options: BackfillOptions, state: StateStore): Promise<PreflightCheck[]> {
  const { run, git } = options
  const checks: PreflightCheck[] = []
  const clean = git.isClean() && !run.buildCommitSha.endsWith('-dirty')
  checks.push({
    name: 'clean working tree',
    ok: clean,
    detail: clean
      ? 'no uncommitted changes'
      : 'uncommitted changes: commit (and deploy) them first; a backfill must run committed code',
  })
  for (const sha of options.requireCommits ?? []) {
    const ok = git.contains(sha)
    checks.push({
      name: `contains ${sha.slice(0, 12)}`,
      ok,
      detail: ok
        ? `HEAD ${run.buildCommitSha.slice(0, 12)} contains the fix`
        : `HEAD ${run.buildCommitSha.slice(0, 12)} does not contain ${sha}: check out and deploy a build with the fix`,
    })
  }
  checks.push(await deployGate(options.graph, state, run, { from: options.from, to: options.to }))
  const migrations = options.migrationProblem ? await options.migrationProblem() : null
  checks.push({
    name: 'migrations current',
    ok: migrations === null,
    detail: migrations ?? 'no pending or drifted migration',
  })
  return checks
}

/** Every error assertion upstream of the selection must pass on every date of the range. */
async function inputVerdicts(options: BackfillOptions, selected: ReadonlySet<string>): Promise<DateVerdict[]> {
  const { graph } = options
  const byName = new Map(graph.actions.map((a) => [a.name, a]))
  const downstream = closure(selected, (n) => dependentsIndex(graph.actions).get(n) ?? [])
  const upstream = [...closure(selected, (n) => byName.get(n)?.dependencies ?? [])].filter(
    (n) => !selected.has(n) && !downstream.has(n),
  )
  const withChecks = upstream.filter((n) => (byName.get(n)?.checks.length ?? 0) > 0)
  const failures = new Map<string, string[]>()
  const global: string[] = []
  if (withChecks.length) {
    const result = await runAssertions({
      graph,
      adapter: options.adapter,
      run: { ...options.run, id: `${options.run.id}-preflight` },
      selection: { actions: withChecks },
      from: options.from,
      to: options.to,
    })
    for (const action of result.actions) {
      for (const check of action.checks.filter((c) => !c.passed && c.severity === 'error')) {
        if (check.partition === null) global.push(check.message)
        else
          failures.set(check.partition.slice(0, 10), [
            ...(failures.get(check.partition.slice(0, 10)) ?? []),
            check.message,
          ])
      }
      if (action.error) global.push(`${action.name}: ${action.error.message}`)
    }
  }
  return datesOf(options.from, options.to).map((date) => {
    const failed = [...global, ...(failures.get(date) ?? [])]
    return { date, go: failed.length === 0, failures: failed }
  })
}

/** Per date, the rows each rewritten action (the selection, then its dependents) replaces or supersedes, by build. */
async function planWrites(
  graph: CompiledGraph,
  adapter: Adapter,
  selected: ReadonlySet<string>,
  rewritten: ReadonlySet<string>,
  options: BackfillOptions,
): Promise<PlannedWrite[]> {
  const plan: PlannedWrite[] = []
  const ordered = [...graph.actions].sort((a, b) => Number(selected.has(b.name)) - Number(selected.has(a.name)))
  for (const action of ordered) {
    if (!rewritten.has(action.name) || action.kind !== 'incremental' || !(await adapter.tableExists(action.target)))
      continue
    const strategy = writeStrategyFor(
      action,
      adapter.dialect,
      stagingTarget(adapter.dialect, action.target, options.run.id),
    )
    const rows = await adapter.query<{ d: string; b: string | null; n: number }>(strategy.affectedRowsSql, {
      params: { from_date: options.from, end_date: addDays(options.to, 1) },
      label: `${action.name}: rows the backfill replaces`,
    })
    const byDate = new Map<string, { buildCommitSha: string; rows: number }[]>()
    for (const row of rows) {
      const date = String(row.d).slice(0, 10)
      const builds = byDate.get(date) ?? []
      if (row.b !== null) builds.push({ buildCommitSha: String(row.b), rows: Number(row.n) })
      byDate.set(date, builds)
    }
    for (const [date, builds] of byDate)
      plan.push({
        action: action.name,
        date,
        existingRows: rows.filter((r) => String(r.d).slice(0, 10) === date).reduce((n, r) => n + Number(r.n), 0),
        builds,
        selected: selected.has(action.name),
      })
  }
  return plan
}

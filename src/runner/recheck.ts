import { addDays } from '../core/dates.js'
import type { DateInterval } from '../core/dates.js'
import type { CompiledAction, CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import type { StateStore } from '../state/state-store.js'
import type { UnverifiedInterval } from '../state/state-records.js'
import { assertActionRange } from './assert.js'
import { blockingFailures } from './evaluate-checks.js'
import type { CheckResult } from './result.js'
import type { RunInfo } from './run-info.js'
import { checkRecord } from './action-records.js'

/** An action's intervals written with --skip-assertions whose checks still fail (or could not run). */
export interface UnverifiedReport {
  readonly action: string
  readonly intervals: readonly DateInterval[]
  /** The forcing runs and the reasons they gave. */
  readonly writtenBy: readonly { readonly runId: string; readonly reason: string | null }[]
  /** Error-severity failures inside those intervals, first few. */
  readonly failing: readonly CheckResult[]
}

export interface RecheckResult {
  readonly unverified: readonly UnverifiedReport[]
  /** Intervals whose checks passed this time: now recorded verified. */
  readonly verified: readonly { readonly action: string; readonly intervals: readonly DateInterval[] }[]
}

export interface RecheckOptions {
  readonly graph: CompiledGraph
  readonly adapter: Adapter
  readonly run: RunInfo
  readonly state: StateStore
}

const FAILURES_KEPT = 5

/**
 * Re-check every interval recorded unverified: the action's own checks and the standalone assertions
 * guarding it run over the intervals' dates against the published table. An interval with no blocking
 * failure inside it becomes verified; the rest are reported, run after run, until they pass or are rebuilt.
 */
export async function recheckUnverified(options: RecheckOptions): Promise<RecheckResult> {
  const pending = await options.state.unverifiedIntervals()
  const byAction = new Map<string, UnverifiedInterval[]>()
  for (const u of pending) byAction.set(u.action, [...(byAction.get(u.action) ?? []), u])
  const unverified: UnverifiedReport[] = []
  const verified: RecheckResult['verified'][number][] = []
  const known = new Set(options.graph.actions.map((a) => a.name))
  for (const [name, rows] of byAction) {
    if (!known.has(name)) {
      unverified.push({ action: name, intervals: rows.map((r) => r.interval), writtenBy: writers(rows), failing: [] })
      continue
    }
    const failures = await failuresOver(options, name, rows)
    const stillFailing = (i: DateInterval) =>
      failures.some(
        (f) => f.partition === null || (f.partition.slice(0, 10) >= i.start && f.partition.slice(0, 10) < i.end),
      )
    const bad = rows.filter((r) => stillFailing(r.interval))
    const good = rows.filter((r) => !stillFailing(r.interval))
    for (const r of good) await options.state.markVerified(name, r.interval, options.run.id)
    if (good.length) verified.push({ action: name, intervals: good.map((r) => r.interval) })
    if (bad.length === 0) continue
    unverified.push({
      action: name,
      intervals: bad.map((r) => r.interval),
      writtenBy: writers(bad),
      failing: firstPerAssertion(
        failures.filter((f) => bad.some((r) => f.partition === null || inside(f.partition, r.interval))),
      ),
    })
  }
  return { unverified, verified }
}

/** One failure per assertion (its earliest partition), for a report that names every failing check. */
function firstPerAssertion(failures: readonly CheckResult[]): CheckResult[] {
  const first = new Map<string, CheckResult>()
  for (const f of failures) if (!first.has(f.assertion)) first.set(f.assertion, f)
  return [...first.values()].slice(0, FAILURES_KEPT)
}

function writers(rows: readonly UnverifiedInterval[]): UnverifiedReport['writtenBy'] {
  return [...new Map(rows.map((r) => [r.runId, r.reason]))].map(([runId, reason]) => ({ runId, reason }))
}

function inside(partition: string, interval: DateInterval): boolean {
  const day = partition.slice(0, 10)
  return day >= interval.start && day < interval.end
}

/** Blocking failures of the action's checks (and its guards') over the span of its unverified intervals, recorded. */
async function failuresOver(
  options: RecheckOptions,
  name: string,
  rows: readonly UnverifiedInterval[],
): Promise<CheckResult[]> {
  const { graph } = options
  const checked: CompiledAction[] = graph.actions.filter(
    (a) =>
      a.checks.length > 0 &&
      (a.name === name || (a.kind === 'assertion' && a.guards === name && !a.definition.monitor)),
  )
  const from = rows.reduce((d, r) => (r.interval.start < d ? r.interval.start : d), rows[0]?.interval.start ?? '')
  const end = rows.reduce((d, r) => (r.interval.end > d ? r.interval.end : d), '')
  const failures: CheckResult[] = []
  const evaluatedAt = new Date().toISOString()
  for (const action of checked) {
    const result = await assertActionRange({ ...options, from, to: addDays(end, -1) }, action)
    await options.state.recordAssertionResults(result.checks.map((c) => checkRecord(c, options.run, evaluatedAt)))
    failures.push(...(result.status === 'errored' ? result.checks : blockingFailures(result.checks)))
  }
  return failures
}

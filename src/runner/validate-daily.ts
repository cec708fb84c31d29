import { addDays, daysBetween } from '../core/dates.js'
import type { IsoDate } from '../core/dates.js'
import type { CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import { runDailyChecks, findingMessage } from '../reports/daily-checks.js'
import type { DailyCheckDefinition, DailyFinding } from '../reports/daily-checks.js'
import { StateStore } from '../state/state-store.js'
import { readStateVersion } from '../state/state-upgrade.js'
import { assertActionRange } from './assert.js'
import type { RunInfo } from './run-info.js'

export interface ValidateDailyResult {
  /** The morning validated: today's slate; yesterday is date − 1. */
  readonly date: IsoDate
  /** False when any finding alerts. */
  readonly ok: boolean
  readonly alerts: readonly DailyFinding[]
  /** Every finding, alerts included, in check order. */
  readonly findings: readonly DailyFinding[]
}

export interface ValidateDailyOptions {
  readonly graph: CompiledGraph
  readonly adapter: Adapter
  readonly run: RunInfo
  readonly date: IsoDate
  readonly checks: readonly DailyCheckDefinition[]
}

/** Days a source may lag the morning's date: yesterday's data must be in. */
const MAX_SOURCE_LAG_DAYS = 1
/** How far back error assertions still failing are reported. */
const FAILING_LOOKBACK_DAYS = 30

/**
 * The morning check: the project's daily checks (hit rates, MAE, the slate), then what the engine
 * knows itself: every source's freshness, today's rows against their actions' checks, error
 * assertions still failing in the last 30 days, and intervals forced in unverified. Reads only.
 */
export async function validateDaily(options: ValidateDailyOptions): Promise<ValidateDailyResult> {
  const findings = [
    ...(await runDailyChecks(options)),
    ...(await sourceFreshness(options)),
    ...(await slateChecks(options)),
    ...(await stateFindings(options)),
  ]
  const alerts = findings.filter((f) => f.alert)
  return { date: options.date, ok: alerts.length === 0, alerts, findings }
}

function finding(f: Omit<DailyFinding, 'message'>, message?: string): DailyFinding {
  return { ...f, message: message ?? findingMessage(f) }
}

/** Each dated source's latest date against the morning: more than a day behind alerts. */
async function sourceFreshness({ graph, adapter, date }: ValidateDailyOptions): Promise<DailyFinding[]> {
  const out: DailyFinding[] = []
  for (const action of graph.actions) {
    const definition = action.definition
    if (definition.kind !== 'declaration' || !definition.interval || !action.target) continue
    const name = `${action.target.dataset}.${action.target.name}`
    if (!(await adapter.tableExists(action.target))) {
      out.push(
        finding(
          {
            check: 'source_freshness',
            subject: name,
            label: 'source missing',
            observed: null,
            op: 'missing',
            threshold: null,
            alert: true,
          },
          `${name} does not exist`,
        ),
      )
      continue
    }
    const column = adapter.dialect.quoteIdentifier(definition.interval.column)
    const [row] = await adapter.query<{ latest: string | null }>(
      `SELECT CAST(MAX(${column}) AS ${adapter.dialect.columnType('STRING')}) AS latest FROM ${adapter.dialect.formatTarget(action.target)} WHERE ${column} <= ${adapter.dialect.param('morning', 'DATE')}`,
      { params: { morning: date }, label: `freshness ${name}` },
    )
    const latest = row?.latest ? String(row.latest).slice(0, 10) : null
    const lag = latest ? daysBetween(latest, date) : null
    const alert = lag === null || lag > MAX_SOURCE_LAG_DAYS
    out.push(
      finding(
        {
          check: 'source_freshness',
          subject: name,
          label: 'days behind',
          observed: lag,
          op: '>',
          threshold: MAX_SOURCE_LAG_DAYS,
          alert,
        },
        `${name}: latest ${latest ?? 'none'} on or before ${date}, ${lag ?? '∞'} day(s) behind${alert ? ` > ${MAX_SOURCE_LAG_DAYS}` : ''}`,
      ),
    )
  }
  return out
}

/** Today's rows of every incremental action against its own checks (feature health: null and zero shares, ranges). */
async function slateChecks(options: ValidateDailyOptions): Promise<DailyFinding[]> {
  const out: DailyFinding[] = []
  for (const action of options.graph.actions) {
    if (action.kind !== 'incremental' || action.checks.length === 0) continue
    if (!(await options.adapter.tableExists(action.target))) continue
    const result = await assertActionRange({ ...options, from: options.date, to: options.date }, action)
    for (const c of result.checks.filter((c) => !c.passed && !c.skipped))
      out.push(
        finding(
          {
            check: 'slate_health',
            subject: `${action.name} ${options.date}`,
            label: c.assertion,
            observed: c.observed,
            op: c.severity,
            threshold: null,
            alert: true,
          },
          c.message,
        ),
      )
  }
  return out
}

/** Error assertions whose latest result on a date of the last 30 days failed, and unverified intervals. */
async function stateFindings({ graph, adapter, date }: ValidateDailyOptions): Promise<DailyFinding[]> {
  const dataset = graph.project.stateDataset
  if ((await readStateVersion(adapter, dataset)).version === 0) return []
  const d = adapter.dialect
  const rows = await adapter.query<{ assertion: string; day: string; message: string | null }>(
    `SELECT assertion, SUBSTR(partition_value, 1, 10) AS day, message FROM (
  SELECT assertion, partition_value, message, passed, severity,
    ROW_NUMBER() OVER (PARTITION BY assertion, partition_value ORDER BY evaluated_at DESC) AS latest
  FROM ${d.formatTarget({ dataset, name: 'assertion_results' })}
  WHERE partition_value >= ${d.param('since', 'STRING')} AND partition_value < ${d.param('until', 'STRING')}
) AS r WHERE latest = 1 AND NOT passed AND severity = 'error' ORDER BY assertion, day`,
    { params: { since: addDays(date, -FAILING_LOOKBACK_DAYS), until: date }, label: 'failing error assertions' },
  )
  const byAssertion = new Map<string, typeof rows>()
  for (const r of rows) byAssertion.set(r.assertion, [...(byAssertion.get(r.assertion) ?? []), r])
  const out: DailyFinding[] = [...byAssertion].map(([assertion, failing]) =>
    finding(
      {
        check: 'failing_assertions',
        subject: assertion,
        label: 'dates still failing',
        observed: failing.length,
        op: '>',
        threshold: 0,
        alert: true,
      },
      `${assertion} still fails on ${failing.length} date(s) of the last ${FAILING_LOOKBACK_DAYS} (${failing.map((f) => f.day).join(', ')}): ${failing[0]?.message ?? ''}`,
    ),
  )
  const unverified =
    (await readStateVersion(adapter, dataset)).version >= 2
      ? await new StateStore(adapter, dataset).unverifiedIntervals()
      : []
  for (const u of unverified)
    out.push(
      finding(
        {
          check: 'unverified_intervals',
          subject: u.action,
          label: 'unverified interval',
          observed: null,
          op: 'unverified',
          threshold: null,
          alert: true,
        },
        `${u.action} ${u.interval.start}..${addDays(u.interval.end, -1)} written with --skip-assertions by run ${u.runId} (${u.reason ?? 'no reason'}) and not verified since`,
      ),
    )
  return out
}

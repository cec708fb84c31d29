import type { CheckDefinition, CheckQuery, CheckSummaryRow } from '../assertions/types.js'
import { REFERENCE_DATE_PARAM } from '../assertions/types.js'
import { addDays } from '../core/dates.js'
import type { Adapter, ParamValue } from '../engines/adapter.js'
import type { Dialect } from '../engines/dialect.js'
import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
import type { CheckResult } from './result.js'
import type { CheckStatement } from './check-statements.js'
import { checkStatements, splitRows } from './check-statements.js'

export interface CheckTarget {
  /** Full assertion name, e.g. 'ml_feature_store_v2.usage_spike_score_zero_share'. */
  readonly name: string
  /** The action the check belongs to (or guards). */
  readonly action: string
  readonly definition: CheckDefinition
}

export interface EvaluateOptions {
  readonly adapter: Adapter
  /** Formatted relation the checks read (the staged rows during an audit). */
  readonly relation: string
  readonly partitionColumn: string | null
  readonly resolveRelation: (actionName: string) => string
  readonly params: Readonly<Record<string, ParamValue>>
  /** Only these partitions are judged (an audit of an interval); omitted, all are. */
  readonly partitions?: (partition: string | null) => boolean
  /** Restrict checked relations to [@interval_start, @interval_end); default: when both params are bound. */
  readonly restrictToInterval?: boolean
}

const SUMMARY_COLUMNS = new Set(['partition_value', 'observed', 'row_count', 'passed', 'skipped'])

/** The date freshness is judged against: the interval's last day, else the run's date, else today. */
function withReferenceDate(params: Readonly<Record<string, ParamValue>>): Readonly<Record<string, ParamValue>> {
  if (params[REFERENCE_DATE_PARAM] !== undefined) return params
  const end = params[INTERVAL_END]
  const startedAt = params.run_started_at
  const reference =
    typeof end === 'string'
      ? addDays(end, -1)
      : typeof startedAt === 'string'
        ? startedAt.slice(0, 10)
        : new Date().toISOString().slice(0, 10)
  return { ...params, [REFERENCE_DATE_PARAM]: reference }
}

function toSummaryRow(r: Record<string, unknown>): CheckSummaryRow {
  const extra: Record<string, number | null> = {}
  for (const [key, value] of Object.entries(r))
    if (!SUMMARY_COLUMNS.has(key)) extra[key] = value === null ? null : Number(value)
  return {
    partition: r.partition_value === null ? null : String(r.partition_value),
    observed: r.observed === null ? null : Number(r.observed),
    rowCount: Number(r.row_count),
    passed: Boolean(r.passed),
    skipped: Boolean(r.skipped),
    extra,
  }
}

const SAMPLE_ROWS = 20

/** A check rendered for one relation: the SQL to send and how to judge what it returns. */
export interface RenderedCheck {
  readonly target: CheckTarget
  readonly query: CheckQuery
  readonly partitions?: (partition: string | null) => boolean
}

/** Render a check against the options' relation; pure. */
export function renderCheck(
  check: CheckTarget,
  options: Omit<EvaluateOptions, 'adapter' | 'params'> & {
    readonly dialect: Dialect
    readonly restrictToInterval: boolean
  },
): RenderedCheck {
  const query = check.definition.render({
    dialect: options.dialect,
    relation: options.relation,
    partitionColumn: options.partitionColumn,
    resolveRelation: options.resolveRelation,
    restrictToInterval: options.restrictToInterval,
  })
  return { target: check, query, ...(options.partitions ? { partitions: options.partitions } : {}) }
}

/** Parameters a check is evaluated with: the run's, plus the freshness reference date. */
export function checkParams(params: Readonly<Record<string, ParamValue>>): Readonly<Record<string, ParamValue>> {
  return withReferenceDate(params)
}

/**
 * Evaluate checks partition by partition, their summaries sent together (see checkStatements); never
 * throws for a failing check, only for engine errors.
 */
export async function evaluateChecks(checks: readonly CheckTarget[], options: EvaluateOptions): Promise<CheckResult[]> {
  const restrictToInterval =
    options.restrictToInterval ??
    (options.params[INTERVAL_START] !== undefined && options.params[INTERVAL_END] !== undefined)
  const rendered = checks.map((check) =>
    renderCheck(check, { ...options, dialect: options.adapter.dialect, restrictToInterval }),
  )
  return runChecks(rendered, checkStatements(options.adapter.dialect, rendered), options.adapter, options.params)
}

/**
 * Send the checks' summary statements, then, for each check in order, the sample query when it failed,
 * and judge the rows: the same results as sending each check's summary on its own.
 */
export async function runChecks(
  checks: readonly RenderedCheck[],
  statements: readonly CheckStatement[],
  adapter: Adapter,
  runParams: Readonly<Record<string, ParamValue>>,
): Promise<CheckResult[]> {
  const params = withReferenceDate(runParams)
  const rowsByCheck = new Map<number, Record<string, unknown>[]>()
  for (const statement of statements) {
    const names = statement.checks.map((i) => checks[i]!.target.name)
    const label = names.length === 1 ? `assert ${names[0]}` : `assert ${names.length} checks: ${names.join(', ')}`
    try {
      const rows = await adapter.query(statement.sql, { params, label })
      for (const [index, own] of splitRows(statement, checks, rows)) rowsByCheck.set(index, own)
    } catch (error) {
      if (statement.checks.length === 1) throw error
      // The engine refused the statement: send each check alone, so the error is the broken check's own.
      for (const index of statement.checks) {
        const { summarySql } = checks[index]!.query
        rowsByCheck.set(
          index,
          await adapter.query(summarySql, { params, label: `assert ${checks[index]!.target.name}` }),
        )
      }
    }
  }
  const results: CheckResult[] = []
  for (const [index, check] of checks.entries()) {
    const rows = rowsByCheck.get(index)
    if (!rows) throw new Error(`check "${check.target.name}" is in no statement of its group`)
    results.push(...(await judgeRows(check, rows, adapter, params)))
  }
  return results
}

/** Judge a check's summary rows: only its partitions, in order; the sample query when one failed. */
async function judgeRows(
  rendered: RenderedCheck,
  rows: readonly Record<string, unknown>[],
  adapter: Adapter,
  params: Readonly<Record<string, ParamValue>>,
): Promise<CheckResult[]> {
  const { query } = rendered
  const judged = rows
    .map(toSummaryRow)
    .filter((r) => !rendered.partitions || rendered.partitions(r.partition))
    .sort((a, b) => String(a.partition).localeCompare(String(b.partition)))
  const anyFailed = judged.some((r) => !r.passed)
  const sample =
    anyFailed && query.offendingSql
      ? await adapter.query(adapter.dialect.limit(query.offendingSql, SAMPLE_ROWS), { params })
      : []
  return judgeCheck(rendered, judged, sample)
}

function judgeCheck(
  rendered: RenderedCheck,
  judged: readonly CheckSummaryRow[],
  sample: readonly Record<string, unknown>[],
): CheckResult[] {
  const { target: check, query: checkQuery } = rendered
  const base = {
    assertion: check.name,
    action: check.action,
    builtin: check.definition.builtin,
    severity: check.definition.severity,
    threshold: checkQuery.threshold,
  }
  if (judged.length === 0) {
    const detail = check.definition.builtin === 'query' ? 'no offending rows' : 'no rows to judge'
    return [
      {
        ...base,
        partition: null,
        observed: 0,
        rowCount: 0,
        passed: true,
        skipped: false,
        message: `${check.name} passed: ${detail}`,
        sample: [],
      },
    ]
  }
  return judged.map((summary) => {
    const { extra: _extra, ...row } = summary
    const verdict = row.skipped ? 'skipped' : row.passed ? 'passed' : 'failed'
    const where = row.partition === null ? '' : ` on ${row.partition}`
    const skipped =
      checkQuery.describeSkipped?.(summary) ??
      `only ${row.rowCount} rows, fewer than ${checkQuery.minRows ?? 'the minimum'}; not judged`
    const detail = row.skipped
      ? skipped
      : `${checkQuery.describe(summary)} (${checkQuery.threshold})${firstOffending(check, row, sample)}`
    const severity = row.passed ? base.severity : (checkQuery.severityOf?.(summary) ?? base.severity)
    return {
      ...base,
      ...row,
      severity,
      message: `${check.name} ${verdict}${where}: ${detail}`,
      sample: row.passed ? [] : sample,
    }
  })
}

/** A value as it reads in a message: fractions to 3 decimals, dates as YYYY-MM-DD. */
function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3)
  if (typeof value === 'bigint') return String(value)
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * A failed hand-written (query) check counts offending rows; what was observed is in their columns.
 * The message carries the first sampled row of the failed partition (at most 6 columns), e.g.
 * `; first: back_to_back_share 0.031, rows_checked 1423`, so a share or a mean reads in the output.
 */
function firstOffending(
  check: CheckTarget,
  row: { partition: string | null; passed: boolean },
  sample: readonly Record<string, unknown>[],
): string {
  if (check.definition.builtin !== 'query' || row.passed || row.partition === null) return ''
  const partition = row.partition
  const first = sample.find((r) => Object.values(r).some((v) => formatValue(v) === partition))
  if (!first) return ''
  const shown = Object.entries(first)
    .filter(([, v]) => formatValue(v) !== partition)
    .slice(0, 6)
    .map(([k, v]) => `${k} ${formatValue(v)}`)
  return shown.length ? `; first: ${shown.join(', ')}` : ''
}

/** Failures that block: error severity, not passed. */
export function blockingFailures(results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => !r.passed && r.severity === 'error')
}

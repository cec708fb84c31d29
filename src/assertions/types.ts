import type { Dialect } from '../engines/dialect.js'
import type { SummarySpec } from './summary.js'

export type Severity = 'error' | 'warn'

/** Parameter (DATE) freshness is judged against; the evaluator binds it (see evaluateChecks). */
export const REFERENCE_DATE_PARAM = 'reference_date'

/** What a check is evaluated against. */
export interface CheckContext {
  readonly dialect: Dialect
  /** SQL relation to check: a formatted table name (the staged rows during an audit). */
  readonly relation: string
  /** Column the check is evaluated per (e.g. game_date); null evaluates the whole relation once. */
  readonly partitionColumn: string | null
  /** Formatted table name of another action, for checks relative to an upstream. */
  readonly resolveRelation: (actionName: string) => string
  /**
   * Restrict the checked relation (and upstream relations) to `partitionColumn` in
   * [@interval_start, @interval_end): the dates come only as query parameters. Default false.
   */
  readonly restrictToInterval?: boolean
}

/**
 * The SQL of one check. `summarySql` returns one row per evaluated partition with the columns
 * partition_value (STRING, NULL for whole-relation checks), observed (DOUBLE), row_count (BIGINT),
 * passed (BOOLEAN) and skipped (BOOLEAN: too few rows to judge), plus any numeric extras.
 */
export interface CheckQuery {
  readonly summarySql: string
  /**
   * The numeric extras `summarySql` returns beyond the five columns, by name (e.g. ['distinct_count']):
   * an audit that sends several checks' summaries as one statement carries exactly these.
   */
  readonly extras: readonly string[]
  /**
   * The parts `summarySql` was built from (summarize), when it is exactly that: checks with the same
   * FROM, partition and row conditions are then evaluated in one scan of the relation. Absent: never fused.
   */
  readonly summarySpec?: SummarySpec
  /** Offending rows (any columns, ideally including the partition column); the engine keeps 20. */
  readonly offendingSql: string | null
  /** Human threshold, e.g. 'max 0.50'. */
  readonly threshold: string
  /** One line for a failed partition, e.g. '1.00 of 412 rows are 0 (max 0.50)'. */
  describe(row: CheckSummaryRow): string
  /** Partitions with fewer rows are skipped; shown when one is. */
  readonly minRows?: number
  /** Why a partition was skipped; default: its row count is below `minRows`. */
  describeSkipped?(row: CheckSummaryRow): string
  /** Severity of a failed partition when it differs from the check's (all-identical is always an error). */
  severityOf?(row: CheckSummaryRow): Severity
}

export interface CheckSummaryRow {
  readonly partition: string | null
  readonly observed: number | null
  readonly rowCount: number
  readonly passed: boolean
  readonly skipped: boolean
  /** Numeric columns of the summary beyond the five above (e.g. distinct_count, upstream_rows). */
  readonly extra?: Readonly<Record<string, number | null>>
}

/** A check bound to an action: built-ins and standalone assertions both become this. */
export interface CheckDefinition {
  /** Unique within its action, snake_case, e.g. 'usage_spike_score_zero_share'. */
  readonly name: string
  readonly severity: Severity
  /** Built-in kind ('zeroShare', ...) or 'query' for a hand-written assertion. */
  readonly builtin: string
  /** Upstream actions the check reads besides the checked relation. */
  readonly dependsOn: readonly string[]
  render(context: CheckContext): CheckQuery
}

/** Options every built-in takes once defaults are applied. */
export interface ResolvedOptions {
  readonly severity: Severity
  /** Check name override. */
  readonly name?: string | undefined
  /** Explicit minimum rows per partition; each built-in has its own default. */
  readonly minRows?: number | undefined
  /** SQL condition selecting the rows in scope. */
  readonly where?: string | undefined
}

const CHECK_MARK = Symbol.for('pipeline.check')

/** Freeze a check and mark it so definitions can tell checks from other values. */
export function defineCheck(check: CheckDefinition): CheckDefinition {
  Object.defineProperty(check, CHECK_MARK, { value: true, enumerable: false })
  return Object.freeze(check)
}

export function isCheckDefinition(value: unknown): value is CheckDefinition {
  return typeof value === 'object' && value !== null && CHECK_MARK in value
}

import type { Dialect } from '../engines/dialect.js'

export type Severity = 'error' | 'warn'

/** What a check is evaluated against. */
export interface CheckContext {
  readonly dialect: Dialect
  /** SQL relation to check: a formatted table name (the staged rows during an audit). */
  readonly relation: string
  /** Column the check is evaluated per (e.g. game_date); null evaluates the whole relation once. */
  readonly partitionColumn: string | null
  /** Formatted table name of another action, for checks relative to an upstream. */
  readonly resolveRelation: (actionName: string) => string
}

/**
 * The SQL of one check. `summarySql` returns one row per evaluated partition with the columns
 * partition_value (STRING, NULL for whole-relation checks), observed (DOUBLE), row_count (BIGINT),
 * passed (BOOLEAN) and skipped (BOOLEAN: too few rows to judge).
 */
export interface CheckQuery {
  readonly summarySql: string
  /** Offending rows (any columns, ideally including the partition column); the engine keeps 20. */
  readonly offendingSql: string | null
  /** Human threshold, e.g. 'max 0.50'. */
  readonly threshold: string
  /** One line for a failed partition, e.g. '1.00 of 412 rows are 0 (max 0.50)'. */
  describe(row: CheckSummaryRow): string
}

export interface CheckSummaryRow {
  readonly partition: string | null
  readonly observed: number | null
  readonly rowCount: number
  readonly passed: boolean
  readonly skipped: boolean
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

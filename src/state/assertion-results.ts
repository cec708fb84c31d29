import type { Insertable } from 'kysely'
import type { Statement } from '../engines/adapter.js'
import type { Dialect } from '../engines/dialect.js'
import type { AssertionResultRecord } from './state-records.js'
import type { AssertionResultsTable } from './state-schema.js'
import { latestStateColumns } from './state-migrations.js'

/** Parameter carrying the rows; distinct from any column name and from GoogleSQL keywords (ROWS is one). */
const ROWS_PARAMETER = 'json_rows'
// Room for the INSERT's own text within the engine's statement length.
const STATEMENT_HEADROOM = 4_000

type AssertionRow = Insertable<AssertionResultsTable>

/**
 * INSERTs of assertion results, as few as the engine's statement length allows: all of them in one
 * on DuckDB, ~1 MB each on BigQuery. Rows travel as one JSON parameter per statement, because a
 * VALUES list of tens of thousands of rows (or as many bound parameters) costs DuckDB seconds.
 */
export function assertionResultStatements(
  dialect: Dialect,
  dataset: string,
  results: readonly AssertionResultRecord[],
): Statement[] {
  const columns = latestStateColumns().assertion_results ?? []
  const insert = dialect.insertJsonRows({ dataset, name: 'assertion_results' }, columns, ROWS_PARAMETER)
  const budget = Math.max(1, dialect.capabilities.maxStatementLength - insert.length - STATEMENT_HEADROOM)
  const statements: Statement[] = []
  let chunk: string[] = []
  let length = 2
  const flush = () => {
    if (chunk.length === 0) return
    statements.push({
      sql: insert,
      params: { [ROWS_PARAMETER]: `[${chunk.join(',')}]` },
      label: `assertion results (${chunk.length})`,
    })
    chunk = []
    length = 2
  }
  for (const result of results) {
    const row = JSON.stringify(
      asText(
        assertionRow(result),
        columns.map((c) => c.name),
      ),
    )
    if (chunk.length > 0 && length + row.length + 1 > budget) flush()
    chunk.push(row)
    length += row.length + 1
  }
  flush()
  return statements
}

function assertionRow(r: AssertionResultRecord): AssertionRow {
  return {
    run_id: r.runId,
    assertion: r.assertion,
    action: r.action,
    builtin: r.builtin,
    partition_value: r.partition,
    observed: r.observed,
    threshold: r.threshold,
    row_count: r.rowCount,
    severity: r.severity,
    passed: r.passed,
    skipped: r.skipped,
    message: r.message,
    sample: r.sample,
    build_commit_sha: r.buildCommitSha,
    evaluated_at: r.evaluatedAt,
  }
}

/** Every value as the text the engine CASTs back: numbers and booleans spelled out, NaN and ±∞ by name. */
function asText(row: AssertionRow, columns: readonly string[]): Record<string, string | null> {
  const values = row as Record<string, unknown>
  return Object.fromEntries(columns.map((name) => [name, text(values[name], name)]))
}

function text(value: unknown, column: string): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value !== 'number')
    throw new Error(`assertion result column "${column}" holds ${typeof value}; expected text, a number or a boolean`)
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  return String(value)
}

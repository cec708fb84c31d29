import { PARTITION_ALIAS } from '../assertions/summary.js'
import type { Dialect } from '../engines/dialect.js'
import type { RenderedCheck } from './evaluate-checks.js'

/**
 * One statement of a group of checks: the summaries of `checks` (indexes into the group), or one check's
 * summary as it is. A statement of several checks returns their rows under one shape, each tagged with
 * CHECK_INDEX; the five summary columns are cast to their types, and each check's extras are
 * carried in EXTRA_PREFIX columns, by position in `extras`.
 */
export interface CheckStatement {
  readonly sql: string
  /** The checks whose rows the statement returns, by index into the group (one: its own summary). */
  readonly checks: readonly number[]
  /** Names of the extra columns, in the order of the EXTRA_PREFIX columns (several checks only). */
  readonly extras: readonly string[]
}

/** The column naming the check of a row in a statement of several checks. */
export const CHECK_INDEX = 'check_index'
/** Prefix of the extras' columns in a statement of several checks (extra_0, extra_1, ...). */
export const EXTRA_PREFIX = 'extra_'

/**
 * Bounds of one statement: BigQuery refuses queries over 1 MB of text, and a very long UNION ALL plans
 * slowly; an audit of more checks (or larger SQL) is sent as several statements.
 */
const MAX_CHECKS = 64
const MAX_CHARS = 200_000

/** The statements that evaluate `checks`: as few as the bounds allow, in check order. */
export function checkStatements(dialect: Dialect, checks: readonly RenderedCheck[]): CheckStatement[] {
  const groups: number[][] = []
  let chars = 0
  for (const [index, check] of checks.entries()) {
    const size = check.query.summarySql.length
    const last = groups.at(-1)
    if (last && last.length < MAX_CHECKS && chars + size <= MAX_CHARS) {
      last.push(index)
      chars += size
    } else {
      groups.push([index])
      chars = size
    }
  }
  return groups.map((group) => statementOf(dialect, checks, group))
}

function statementOf(dialect: Dialect, checks: readonly RenderedCheck[], group: readonly number[]): CheckStatement {
  if (group.length === 1) return { sql: checks[group[0]!]!.query.summarySql, checks: group, extras: [] }
  const extras = [...new Set(group.flatMap((i) => checks[i]!.query.extras))]
  const type = (name: string) => dialect.columnType(name)
  const branches = group.map((i) => {
    const { query, target } = checks[i]!
    const own = new Set(query.extras)
    const columns = [
      `${i} AS ${CHECK_INDEX}`,
      `CAST(s.${PARTITION_ALIAS} AS ${type('STRING')}) AS ${PARTITION_ALIAS}`,
      `CAST(s.observed AS ${type('FLOAT64')}) AS observed`,
      `CAST(s.row_count AS ${type('INT64')}) AS row_count`,
      `CAST(s.passed AS ${type('BOOL')}) AS passed`,
      `CAST(s.skipped AS ${type('BOOL')}) AS skipped`,
      ...extras.map(
        (name, k) => `CAST(${own.has(name) ? `s.${name}` : 'NULL'} AS ${type('FLOAT64')}) AS ${EXTRA_PREFIX}${k}`,
      ),
    ]
    const summary = query.summarySql.replace(/^/gm, '  ')
    return `-- ${target.name.replace(/\s+/g, ' ')}\nSELECT ${columns.join(', ')}\nFROM (\n${summary}\n) AS s`
  })
  return { sql: branches.join('\nUNION ALL\n'), checks: group, extras }
}

/** The rows of a statement, per check (by index into the group), in the shape of each check's own summary. */
export function splitRows(
  statement: CheckStatement,
  checks: readonly RenderedCheck[],
  rows: readonly Record<string, unknown>[],
): Map<number, Record<string, unknown>[]> {
  const byCheck = new Map<number, Record<string, unknown>[]>(statement.checks.map((i) => [i, []]))
  if (statement.checks.length === 1) {
    byCheck.set(statement.checks[0]!, [...rows])
    return byCheck
  }
  for (const row of rows) {
    const index = Number(row[CHECK_INDEX])
    const own = byCheck.get(index)
    if (!own) throw new Error(`a check statement returned a row of check ${index}, which it does not evaluate`)
    const summary: Record<string, unknown> = {
      [PARTITION_ALIAS]: row[PARTITION_ALIAS],
      observed: row.observed,
      row_count: row.row_count,
      passed: row.passed,
      skipped: row.skipped,
    }
    for (const name of checks[index]!.query.extras)
      summary[name] = row[`${EXTRA_PREFIX}${statement.extras.indexOf(name)}`]
    own.push(summary)
  }
  return byCheck
}

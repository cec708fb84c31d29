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
  const branches = scans(checks, group).map((scan) =>
    scan.length === 1
      ? checkBranch(dialect, checks[scan[0]!]!, scan[0]!, extras)
      : scanBranch(dialect, checks, scan, extras),
  )
  return { sql: branches.join('\nUNION ALL\n'), checks: group, extras }
}

/** The statement's columns over a summary `s`: the index, the five summary columns cast, the extras by position. */
function projection(
  dialect: Dialect,
  index: string,
  extras: readonly string[],
  has: (name: string) => boolean,
): string {
  const type = (name: string) => dialect.columnType(name)
  return [
    `${index} AS ${CHECK_INDEX}`,
    `CAST(s.${PARTITION_ALIAS} AS ${type('STRING')}) AS ${PARTITION_ALIAS}`,
    `CAST(s.observed AS ${type('FLOAT64')}) AS observed`,
    `CAST(s.row_count AS ${type('INT64')}) AS row_count`,
    `CAST(s.passed AS ${type('BOOL')}) AS passed`,
    `CAST(s.skipped AS ${type('BOOL')}) AS skipped`,
    ...extras.map(
      (name, k) => `CAST(${has(name) ? `s.${name}` : 'NULL'} AS ${type('FLOAT64')}) AS ${EXTRA_PREFIX}${k}`,
    ),
  ].join(', ')
}

const indent = (sql: string) => sql.replace(/^/gm, '  ')

/** One check's own summary, tagged with its index. */
function checkBranch(dialect: Dialect, check: RenderedCheck, index: number, extras: readonly string[]): string {
  const own = new Set(check.query.extras)
  const columns = projection(dialect, String(index), extras, (name) => own.has(name))
  return `-- ${check.target.name}\nSELECT ${columns}\nFROM (\n${indent(check.query.summarySql)}\n) AS s`
}

/**
 * Checks whose summaries aggregate the same rows (same FROM, partition and row conditions: SummarySpec),
 * in groups of more than one, by index: each group is read in one scan.
 */
function scans(checks: readonly RenderedCheck[], group: readonly number[]): number[][] {
  const byKey = new Map<string, number[]>()
  const alone: number[][] = []
  for (const i of group) {
    const spec = checks[i]!.query.summarySpec
    if (!spec) {
      alone.push([i])
      continue
    }
    const key = JSON.stringify([spec.from, spec.partition, spec.where ?? []])
    byKey.set(key, [...(byKey.get(key) ?? []), i])
  }
  return [...byKey.values(), ...alone]
}

/**
 * Several checks' summaries from one scan: one aggregate row per partition holds every check's observed
 * value, row count and extras (the same expressions as its own summary), then one row per check and
 * partition is taken out, and each check's passed and skipped conditions are applied to its own values.
 */
function scanBranch(
  dialect: Dialect,
  checks: readonly RenderedCheck[],
  scan: readonly number[],
  extras: readonly string[],
): string {
  const float = dialect.columnType('FLOAT64')
  const specs = scan.map((i) => [i, checks[i]!.query.summarySpec!] as const)
  const [, first] = specs[0]!
  const aggregates = specs.flatMap(([i, spec]) => [
    `CAST(${spec.observed} AS ${float}) AS c${i}_observed`,
    `${spec.rowCount ?? 'COUNT(*)'} AS c${i}_row_count`,
    ...Object.entries(spec.extra ?? {}).map(
      ([alias, expression]) => `CAST(${expression} AS ${float}) AS c${i}_${alias}`,
    ),
  ])
  const own = [...new Set(specs.flatMap(([, spec]) => Object.keys(spec.extra ?? {})))]
  const pick = (column: string, has: (spec: (typeof specs)[number][1]) => boolean) =>
    `CASE k.${CHECK_INDEX}${specs
      .filter(([, spec]) => has(spec))
      .map(([i]) => ` WHEN ${i} THEN agg.c${i}_${column}`)
      .join('')} END AS ${column}`
  const judge = (condition: (spec: (typeof specs)[number][1]) => string, alias: string) =>
    `CASE f.${CHECK_INDEX}${specs.map(([i, spec]) => ` WHEN ${i} THEN ${condition(spec)}`).join('')} END AS ${alias}`
  const where = first.where?.length ? `\n    WHERE ${first.where.join('\n      AND ')}` : ''
  const aggregated = [
    `    SELECT ${first.partition ?? `CAST(NULL AS ${dialect.columnType('STRING')})`} AS ${PARTITION_ALIAS},`,
    `      ${aggregates.join(',\n      ')}`,
    `    FROM ${first.from}${where}${first.partition ? '\n    GROUP BY 1' : ''}`,
  ].join('\n')
  const keys = scan.map((i) => `SELECT ${i} AS ${CHECK_INDEX}`).join(' UNION ALL ')
  const inner = [
    `SELECT f.${CHECK_INDEX}, f.${PARTITION_ALIAS}, f.observed, f.row_count,${own.map((name) => ` f.${name},`).join('')}`,
    `  ${judge((spec) => `${spec.skipped} OR COALESCE(${spec.passed}, FALSE)`, 'passed')},`,
    `  ${judge((spec) => spec.skipped, 'skipped')}`,
    'FROM (',
    `  SELECT k.${CHECK_INDEX}, agg.${PARTITION_ALIAS},`,
    `    ${[pick('observed', () => true), pick('row_count', () => true), ...own.map((name) => pick(name, (spec) => name in (spec.extra ?? {})))].join(',\n    ')}`,
    `  FROM (\n${aggregated}\n  ) AS agg`,
    `  CROSS JOIN (${keys}) AS k`,
    ') AS f',
  ].join('\n')
  const names = scan.map((i) => checks[i]!.target.name).join(', ')
  const columns = projection(dialect, `s.${CHECK_INDEX}`, extras, (name) => own.includes(name))
  return `-- one scan: ${names}\nSELECT ${columns}\nFROM (\n${indent(inner)}\n) AS s`
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

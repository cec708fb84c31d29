import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
import type { SqlFunctions } from '../engines/dialect.js'
import type { SqlFragment } from '../sql/fragment.js'
import { raw } from '../sql/fragment.js'
import { renderPlain } from '../sql/render.js'
import type { CheckContext, CheckQuery } from './types.js'

/** The parts of a per-partition summary query. */
export interface SummarySpec {
  /** FROM clause: a relation with its alias, a subquery, or a join. */
  readonly from: string
  /** Partition expression (rendered as STRING), or null for one whole-relation row. */
  readonly partition: string | null
  /** Aggregate computing the observed value (cast to FLOAT64). */
  readonly observed: string
  /** Aggregate counting the rows in scope; default COUNT(*). */
  readonly rowCount?: string
  /** More numeric aggregates, by alias (cast to FLOAT64). */
  readonly extra?: Readonly<Record<string, string>>
  /** Conditions on the rows, ANDed. */
  readonly where?: readonly string[]
  /** Condition over the output aliases (observed, row_count, extras) that passes a partition. */
  readonly passed: string
  /** Condition over the output aliases that skips a partition as too small to judge; never NULL. */
  readonly skipped: string
}

/** The alias of the partition column in every summary (not `partition`: reserved in BigQuery). */
export const PARTITION_ALIAS = 'partition_value'

export function partitionAlias(_ctx: CheckContext): string {
  return PARTITION_ALIAS
}

/** A dialect function rendered to text, its arguments given as SQL text. */
export function fnText(
  ctx: CheckContext,
  build: (fn: SqlFunctions, r: (text: string) => SqlFragment) => SqlFragment,
): string {
  return renderPlain(ctx.dialect, build(ctx.dialect.fn, raw))
}

/** A column as STRING, the type of every summary's partition. */
export function asString(ctx: CheckContext, expression: string): string {
  return `CAST(${expression} AS ${ctx.dialect.columnType('STRING')})`
}

/** The interval filter on a date column, values only as parameters. */
export function intervalCondition(ctx: CheckContext, column: string): string {
  const q = ctx.dialect.quoteIdentifier(column)
  return `${q} >= ${ctx.dialect.param(INTERVAL_START, 'DATE')} AND ${q} < ${ctx.dialect.param(INTERVAL_END, 'DATE')}`
}

/** Row conditions of a check: its `where` and, when asked, the interval on the partition column. */
export function scope(ctx: CheckContext, where: string | undefined): string[] {
  const conditions: string[] = []
  if (where) conditions.push(`(${where})`)
  if (ctx.restrictToInterval && ctx.partitionColumn) conditions.push(intervalCondition(ctx, ctx.partitionColumn))
  return conditions
}

export function whereClause(conditions: readonly string[] | undefined): string {
  return conditions && conditions.length ? `\n  WHERE ${conditions.join('\n    AND ')}` : ''
}

/** The partition expression of the checked relation, or null when evaluated whole. */
export function partitionExpression(ctx: CheckContext): string | null {
  return ctx.partitionColumn ? asString(ctx, ctx.dialect.quoteIdentifier(ctx.partitionColumn)) : null
}

/** One row per partition: partition_value, observed, row_count, extras, passed, skipped. */
export function summarize(ctx: CheckContext, spec: SummarySpec): string {
  const { dialect } = ctx
  const float = dialect.columnType('FLOAT64')
  const p = partitionAlias(ctx)
  const extras = Object.entries(spec.extra ?? {})
  const inner = [
    `${spec.partition ?? `CAST(NULL AS ${dialect.columnType('STRING')})`} AS ${p}`,
    `CAST(${spec.observed} AS ${float}) AS observed`,
    `${spec.rowCount ?? 'COUNT(*)'} AS row_count`,
    ...extras.map(([alias, expression]) => `CAST(${expression} AS ${float}) AS ${alias}`),
  ]
  return [
    `SELECT ${p}, observed, row_count,${extras.map(([alias]) => ` ${alias},`).join('')}`,
    `  ${spec.skipped} OR COALESCE(${spec.passed}, FALSE) AS passed,`,
    `  ${spec.skipped} AS skipped`,
    'FROM (',
    `  SELECT ${inner.join(',\n    ')}`,
    `  FROM ${spec.from}${whereClause(spec.where)}${spec.partition ? '\n  GROUP BY 1' : ''}`,
    ') AS summary',
  ].join('\n')
}

/**
 * A check's summary built from its spec: the SQL, the spec itself (checks over the same rows then share one
 * scan) and the names of its extras.
 */
export function summaryQuery(
  ctx: CheckContext,
  spec: SummarySpec,
): Pick<CheckQuery, 'summarySql' | 'summarySpec' | 'extras'> {
  return { summarySql: summarize(ctx, spec), summarySpec: spec, extras: Object.keys(spec.extra ?? {}) }
}

/** `row_count < n`: partitions below a minimum are skipped. */
export function tooFew(minRows: number): string {
  return `row_count < ${Math.trunc(minRows)}`
}

/**
 * Offending rows, only from partitions the summary fails: `select` over the checked relation
 * filtered by scope and the row condition (null: every row of a failed partition).
 */
export function offendingFromFailed(
  ctx: CheckContext,
  parts: {
    summarySql: string
    condition: string | null
    where?: string | undefined
    select?: string
    groupBy?: string
  },
): string {
  const conditions = [...scope(ctx, parts.where)]
  if (parts.condition) conditions.push(`(${parts.condition})`)
  const partition = partitionExpression(ctx)
  if (partition) {
    const p = partitionAlias(ctx)
    const nested = parts.summarySql
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n')
    conditions.push(
      `${partition} IN (\n  SELECT failed.${p} FROM (\n${nested}\n  ) AS failed WHERE NOT failed.passed\n)`,
    )
  }
  const where = conditions.length ? `\nWHERE ${conditions.join('\n  AND ')}` : ''
  const groupBy = parts.groupBy ? `\nGROUP BY ${parts.groupBy}` : ''
  return `SELECT ${parts.select ?? '*'}\nFROM ${ctx.relation}${where}${groupBy}`
}

/** A share as the messages print it: two decimals. */
export function formatRatio(value: number | null | undefined): string {
  return value === null || value === undefined ? 'NULL' : value.toFixed(2)
}

/** A measured value: integers as is, others with a few significant digits. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'NULL'
  if (Number.isInteger(value)) return String(value)
  return Math.abs(value) >= 1 ? value.toFixed(2) : String(Number(value.toPrecision(3)))
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

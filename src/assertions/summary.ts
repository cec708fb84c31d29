import type { CheckContext } from './types.js'

export interface SummaryParts {
  /** Aggregate expression computing the observed value per partition (DOUBLE). */
  readonly observed: string
  /** Boolean expression over the column alias `observed`. */
  readonly passed: (observed: string) => string
  /** Partitions with fewer rows are skipped and say so. */
  readonly minRows?: number
  /** Optional row filter applied before aggregating. */
  readonly where?: string
}

/** One row per partition: partition_value, observed, row_count, passed, skipped. */
export function partitionSummary(ctx: CheckContext, parts: SummaryParts): string {
  const { dialect } = ctx
  const q = dialect.quoteIdentifier
  const partitionExpr = ctx.partitionColumn ? `CAST(${q(ctx.partitionColumn)} AS ${dialect.columnType('STRING')})` : 'CAST(NULL AS ' + dialect.columnType('STRING') + ')'
  const minRows = parts.minRows ?? 0
  const where = parts.where ? `\n  WHERE ${parts.where}` : ''
  const groupBy = ctx.partitionColumn ? '\n  GROUP BY 1' : ''
  return [
    'SELECT partition_value, observed, row_count,',
    `  row_count < ${minRows} OR (${parts.passed('observed')}) AS passed,`,
    `  row_count < ${minRows} AS skipped`,
    'FROM (',
    `  SELECT ${partitionExpr} AS partition_value, CAST(${parts.observed} AS ${dialect.columnType('FLOAT64')}) AS observed, COUNT(*) AS row_count`,
    `  FROM ${ctx.relation}${where}${groupBy}`,
    ') AS summary',
  ].join('\n')
}

export function formatRatio(value: number | null): string {
  return value === null ? 'NULL' : value.toFixed(2)
}

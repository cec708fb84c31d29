import { violationCheck } from './builtins-basic.js'
import {
  fnText,
  formatValue,
  offendingFromFailed,
  partitionExpression,
  plural,
  scope,
  summaryQuery,
  tooFew,
} from './summary.js'
import type { DistinctCountSpec, NotConstantSpec, RangeSpec } from './specs.js'
import type { CheckDefinition, CheckQuery, CheckSummaryRow, ResolvedOptions } from './types.js'
import { defineCheck } from './types.js'

type Options<S> = Omit<S, 'severity' | 'name' | 'minRows' | 'where'> & ResolvedOptions

/** Default stddev floor: below it a column is effectively constant. */
export const CONSTANT_STDDEV = 0.0001

function boundsText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${min}` : `within [${min}, ${max}]`
  return min !== undefined ? `at least ${min}` : `at most ${max}`
}

function outsideText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `outside [${min}, ${max}]`
  return min !== undefined ? `below ${min}` : `above ${max}`
}

/** Every non-NULL value lies in [min, max]. Observed = rows outside; the partition's min and max are shown. */
export function rangeCheck(options: Options<RangeSpec>): CheckDefinition {
  const { min, max } = options
  return violationCheck({ name: options.name ?? `${options.column}_range`, builtin: 'range', options }, (ctx) => {
    const column = ctx.dialect.quoteIdentifier(options.column)
    const outside = [
      ...(min !== undefined ? [`${column} < ${min}`] : []),
      ...(max !== undefined ? [`${column} > ${max}`] : []),
    ]
    return {
      condition: outside.join(' OR '),
      threshold: boundsText(min, max),
      extra: { observed_min: `MIN(${column})`, observed_max: `MAX(${column})` },
      describe: (row) =>
        `${row.observed ?? 0} of ${row.rowCount} rows have ${options.column} ${outsideText(min, max)} (observed ${formatValue(row.extra?.observed_min)}..${formatValue(row.extra?.observed_max)})`,
    }
  })
}

/**
 * The column varies: sample stddev ≥ minStddev and distinct values ≥ minDistinct. A partition where
 * every non-NULL value is identical (one distinct value, or none) fails as an error even when the check is 'warn'.
 */
export function notConstantCheck(options: Options<NotConstantSpec>): CheckDefinition {
  const minStddev = options.minStddev ?? CONSTANT_STDDEV
  const minDistinct = options.minDistinct ?? 2
  const minRows = options.minRows ?? 1
  const isConstant = (row: CheckSummaryRow) => (row.extra?.distinct_count ?? 0) <= 1
  return defineCheck({
    name: options.name ?? `${options.column}_not_constant`,
    severity: options.severity,
    builtin: 'notConstant',
    dependsOn: [],
    render(ctx): CheckQuery {
      const column = ctx.dialect.quoteIdentifier(options.column)
      const summary = summaryQuery(ctx, {
        from: ctx.relation,
        partition: partitionExpression(ctx),
        where: scope(ctx, options.where),
        observed: `COALESCE(${fnText(ctx, (fn, r) => fn.stddevSamp(r(column)))}, 0)`,
        extra: { distinct_count: `COUNT(DISTINCT ${column})` },
        passed: `observed >= ${minStddev} AND distinct_count >= ${minDistinct}`,
        skipped: tooFew(minRows),
      })
      return {
        ...summary,
        minRows,
        threshold: `min stddev ${minStddev}, min distinct ${minDistinct}`,
        describe: (row) =>
          `stddev ${formatValue(row.observed)} and ${plural(row.extra?.distinct_count ?? 0, 'distinct value')} of ${options.column} over ${row.rowCount} rows${isConstant(row) ? ' (constant: always an error)' : ''}`,
        severityOf: (row) => (isConstant(row) ? 'error' : options.severity),
        offendingSql: offendingFromFailed(ctx, {
          summarySql: summary.summarySql,
          condition: null,
          where: options.where,
          select: `${ctx.partitionColumn ? `${ctx.dialect.quoteIdentifier(ctx.partitionColumn)}, ` : ''}${column}, COUNT(*) AS value_rows`,
          groupBy: `${ctx.partitionColumn ? `${ctx.dialect.quoteIdentifier(ctx.partitionColumn)}, ` : ''}${column}`,
        }),
      }
    },
  })
}

/** The number of distinct non-NULL values lies in [min, max]. */
export function distinctCountCheck(options: Options<DistinctCountSpec>): CheckDefinition {
  const { min, max } = options
  const minRows = options.minRows ?? 1
  return defineCheck({
    name: options.name ?? `${options.column}_distinct_count`,
    severity: options.severity,
    builtin: 'distinctCount',
    dependsOn: [],
    render(ctx): CheckQuery {
      const column = ctx.dialect.quoteIdentifier(options.column)
      const passed = [
        ...(min !== undefined ? [`observed >= ${min}`] : []),
        ...(max !== undefined ? [`observed <= ${max}`] : []),
      ].join(' AND ')
      const summary = summaryQuery(ctx, {
        from: ctx.relation,
        partition: partitionExpression(ctx),
        where: scope(ctx, options.where),
        observed: `COUNT(DISTINCT ${column})`,
        passed,
        skipped: tooFew(minRows),
      })
      const partition = ctx.partitionColumn ? `${ctx.dialect.quoteIdentifier(ctx.partitionColumn)}, ` : ''
      return {
        ...summary,
        minRows,
        threshold: `${boundsText(min, max)} distinct`,
        describe: (row) =>
          `${plural(row.observed ?? 0, 'distinct value')} of ${options.column} over ${row.rowCount} rows`,
        offendingSql: offendingFromFailed(ctx, {
          summarySql: summary.summarySql,
          condition: null,
          where: options.where,
          select: `${partition}${column}, COUNT(*) AS value_rows`,
          groupBy: `${partition}${column}`,
        }),
      }
    },
  })
}

import {
  fnText,
  formatRatio,
  offendingFromFailed,
  partitionExpression,
  scope,
  summaryQuery,
  tooFew,
} from './summary.js'
import type { NullShareSpec, SourceFamilySpec, SourcesPresentSpec, ZeroShareSpec } from './specs.js'
import type { CheckContext, CheckDefinition, CheckQuery, ResolvedOptions } from './types.js'
import { defineCheck } from './types.js'

type Options<S> = Omit<S, 'severity' | 'name' | 'minRows' | 'where'> & ResolvedOptions

/** Labels that say a source was not found, unless a family lists its own. */
export const DEFAULT_MISSING_LABELS: readonly string[] = ['missing', 'none', 'default', 'fallback']

interface ShareParts {
  /** Rows counted in the share. */
  readonly condition: string
  /** Bound on the share: at most (`max`) or at least (`min`). */
  readonly bound: { readonly max: number } | { readonly min: number }
  /** What counted rows are, e.g. 'are 0' in '1.00 of 412 rows are 0'. */
  readonly counted: string
  /** Offending rows: the counted ones (max) or the others (min). */
  readonly offending: string
}

/** The share of rows in scope where a condition holds, per partition, bounded by max or min. */
export function shareCheck(
  meta: { name: string; builtin: string; options: ResolvedOptions },
  parts: (ctx: CheckContext) => ShareParts,
): CheckDefinition {
  const { options } = meta
  const minRows = options.minRows ?? 1
  return defineCheck({
    name: meta.name,
    severity: options.severity,
    builtin: meta.builtin,
    dependsOn: [],
    render(ctx): CheckQuery {
      const share = parts(ctx)
      const isMax = 'max' in share.bound
      const limit = 'max' in share.bound ? share.bound.max : share.bound.min
      const summary = summaryQuery(ctx, {
        from: ctx.relation,
        partition: partitionExpression(ctx),
        where: scope(ctx, options.where),
        observed: fnText(ctx, (fn, r) => fn.safeDivide(fn.countIf(r(share.condition)), r('COUNT(*)'))),
        passed: `observed ${isMax ? '<=' : '>='} ${limit}`,
        skipped: tooFew(minRows),
      })
      return {
        ...summary,
        minRows,
        threshold: `${isMax ? 'max' : 'min'} ${formatRatio(limit)}`,
        describe: (row) => `${formatRatio(row.observed)} of ${row.rowCount} rows ${share.counted}`,
        offendingSql: offendingFromFailed(ctx, {
          summarySql: summary.summarySql,
          condition: share.offending,
          where: options.where,
        }),
      }
    },
  })
}

/** At most `max` of the rows are 0 (or NULL too, with includeNull). */
export function zeroShareCheck(options: Options<ZeroShareSpec>): CheckDefinition {
  return shareCheck({ name: options.name ?? `${options.column}_zero_share`, builtin: 'zeroShare', options }, (ctx) => {
    const column = ctx.dialect.quoteIdentifier(options.column)
    const condition = options.includeNull ? `${column} = 0 OR ${column} IS NULL` : `${column} = 0`
    return {
      condition,
      bound: { max: options.max },
      counted: options.includeNull ? 'are 0 or NULL' : 'are 0',
      offending: condition,
    }
  })
}

/** At most `max` of the rows are NULL. */
export function nullShareCheck(options: Options<NullShareSpec>): CheckDefinition {
  return shareCheck({ name: options.name ?? `${options.column}_null_share`, builtin: 'nullShare', options }, (ctx) => {
    const condition = `${ctx.dialect.quoteIdentifier(options.column)} IS NULL`
    return { condition, bound: { max: options.max }, counted: `have NULL ${options.column}`, offending: condition }
  })
}

/** The condition under which a family's source column says it was found. */
export function sourceFoundCondition(ctx: CheckContext, family: SourceFamilySpec): string {
  const spec = typeof family === 'string' ? { column: family } : family
  const column = ctx.dialect.quoteIdentifier(spec.column)
  const indexes = spec.index === undefined ? [null] : Array.isArray(spec.index) ? spec.index : [spec.index]
  const labels = (values: readonly string[]) => values.map((v) => ctx.dialect.literal(v)).join(', ')
  return indexes
    .map((index) => {
      const value = index === null ? column : fnText(ctx, (fn, r) => fn.arrayAt(r(column), index))
      return 'found' in spec && spec.found
        ? `${value} IN (${labels(spec.found)})`
        : `(${value} IS NOT NULL AND ${value} NOT IN (${labels(('missing' in spec && spec.missing) || DEFAULT_MISSING_LABELS)}))`
    })
    .join(' AND ')
}

/** For each named family, at least `min` of the rows have a source that says the family was found. */
export function sourcesPresentChecks(options: Options<SourcesPresentSpec>): CheckDefinition[] {
  const families = Object.entries(options.families)
  return families.map(([family, spec]) => {
    const name = options.name
      ? families.length === 1
        ? options.name
        : `${options.name}_${family}`
      : `${family}_source_present`
    const min = typeof spec === 'object' && spec.min !== undefined ? spec.min : options.min
    return shareCheck({ name, builtin: 'sourcesPresent', options }, (ctx) => {
      const found = sourceFoundCondition(ctx, spec)
      return {
        condition: found,
        bound: { min },
        counted: `have a ${family} source`,
        offending: `NOT COALESCE(${found}, FALSE)`,
      }
    })
  })
}

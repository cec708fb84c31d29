import type { z } from 'zod'
import { acceptedValuesCheck, expressionCheck, nonNullCheck, uniqueKeyCheck } from './builtins-basic.js'
import { distinctCountCheck, notConstantCheck, rangeCheck } from './builtins-distribution.js'
import { nullShareCheck, sourcesPresentChecks, zeroShareCheck } from './builtins-share.js'
import { freshnessCheck, rowCountCheck } from './builtins-volume.js'
import {
  acceptedValuesSpec,
  distinctCountSpec,
  expressionSpec,
  freshnessSpec,
  nonNullSpec,
  notConstantSpec,
  nullShareSpec,
  rangeSpec,
  rowCountSpec,
  sourcesPresentSpec,
  uniqueKeySpec,
  zeroShareSpec,
} from './specs.js'
import type { CheckDefinition, ResolvedOptions } from './types.js'

/** Defaults applied to every spec: severity 'error', minRows from the assertions block. */
export interface CheckDefaults {
  /** The assertions block's minRows, used by checks that set none. */
  readonly minRows?: number | undefined
}

/** A spec with its severity and minRows settled. */
export function resolveOptions<S extends Partial<ResolvedOptions>>(
  spec: S,
  defaults: CheckDefaults = {},
): S & ResolvedOptions {
  const minRows = spec.minRows ?? defaults.minRows
  return { ...spec, severity: spec.severity ?? 'error', ...(minRows !== undefined ? { minRows } : {}) }
}

function parse<S extends z.ZodType>(schema: S, builtin: string, spec: unknown): z.output<S> {
  const parsed = schema.safeParse(spec)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map(
    (i) => `${i.path.length ? `${i.path.map(String).join('.')}: ` : ''}${i.message}`,
  )
  throw new Error(`checks.${builtin}(${JSON.stringify(spec)}): ${problems.join('; ')}`)
}

/**
 * The built-in checks as functions, for standalone assertion files:
 * @example assertion({ name: 'order_health', target: 'orders_daily', checks: [
 *   checks.zeroShare({ column: 'discount_rate', max: 0.5, includeNull: true, severity: 'warn' }),
 *   ...checks.sourcesPresent({ families: { pricing: 'price_source' }, min: 0.8 }),
 * ] })
 */
export const checks = Object.freeze({
  /** No two rows share the key, per partition. */
  uniqueKey: (spec: z.input<typeof uniqueKeySpec>): CheckDefinition =>
    uniqueKeyCheck(resolveOptions(parse(uniqueKeySpec, 'uniqueKey', spec))),
  /** The columns are never NULL. */
  nonNull: (spec: z.input<typeof nonNullSpec>): CheckDefinition =>
    nonNullCheck(resolveOptions(parse(nonNullSpec, 'nonNull', spec))),
  /** Every value is one of `values` (NULL passes unless allowNull is false). */
  acceptedValues: (spec: z.input<typeof acceptedValuesSpec>): CheckDefinition =>
    acceptedValuesCheck(resolveOptions(parse(acceptedValuesSpec, 'acceptedValues', spec))),
  /** Every non-NULL value lies in [min, max]. */
  range: (spec: z.input<typeof rangeSpec>): CheckDefinition =>
    rangeCheck(resolveOptions(parse(rangeSpec, 'range', spec))),
  /** At most `max` of the rows are 0 (or NULL too, with includeNull). */
  zeroShare: (spec: z.input<typeof zeroShareSpec>): CheckDefinition =>
    zeroShareCheck(resolveOptions(parse(zeroShareSpec, 'zeroShare', spec))),
  /** At most `max` of the rows are NULL. */
  nullShare: (spec: z.input<typeof nullShareSpec>): CheckDefinition =>
    nullShareCheck(resolveOptions(parse(nullShareSpec, 'nullShare', spec))),
  /** Stddev and distinct-count floors; all-identical is always an error. */
  notConstant: (spec: z.input<typeof notConstantSpec>): CheckDefinition =>
    notConstantCheck(resolveOptions(parse(notConstantSpec, 'notConstant', spec))),
  /** At least `min` rows, and/or `minRatio` of an upstream's rows, per partition. */
  rowCount: (spec: z.input<typeof rowCountSpec>): CheckDefinition =>
    rowCountCheck(resolveOptions(parse(rowCountSpec, 'rowCount', spec))),
  /** The number of distinct values lies in [min, max]. */
  distinctCount: (spec: z.input<typeof distinctCountSpec>): CheckDefinition =>
    distinctCountCheck(resolveOptions(parse(distinctCountSpec, 'distinctCount', spec))),
  /** The latest date is at most `maxAgeDays` before the reference date. */
  freshness: (spec: z.input<typeof freshnessSpec>): CheckDefinition =>
    freshnessCheck(resolveOptions(parse(freshnessSpec, 'freshness', spec))),
  /** A boolean SQL condition holds on every row. */
  expression: (spec: z.input<typeof expressionSpec>): CheckDefinition =>
    expressionCheck(resolveOptions(parse(expressionSpec, 'expression', spec))),
  /** For each family, at least `min` of the rows have a source that found it; one check per family. */
  sourcesPresent: (spec: z.input<typeof sourcesPresentSpec>): CheckDefinition[] =>
    sourcesPresentChecks(resolveOptions(parse(sourcesPresentSpec, 'sourcesPresent', spec))),
})

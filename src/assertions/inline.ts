import { z } from 'zod'
import { acceptedValuesCheck, expressionCheck, nonNullCheck, uniqueKeyCheck } from './builtins-basic.js'
import { distinctCountCheck, notConstantCheck, rangeCheck } from './builtins-distribution.js'
import { nullShareCheck, sourcesPresentChecks, zeroShareCheck } from './builtins-share.js'
import { freshnessCheck, rowCountCheck } from './builtins-volume.js'
import { resolveOptions } from './checks.js'
import type { CheckDefaults } from './checks.js'
import {
  acceptedValuesOptions,
  columnName,
  columnsOrSpecs,
  distinctCountSpec,
  expressionSpec,
  freshnessSpec,
  nonNullSpec,
  notConstantSpec,
  nullShareSpec,
  oneOrMany,
  rangeOptions,
  rowCountSpec,
  sourcesPresentSpec,
  uniqueKeySpec,
  zeroShareSpec,
} from './specs.js'
import type { CheckDefinition } from './types.js'

const acceptedValue = z.union([z.string(), z.number(), z.boolean()])

/**
 * Inline assertions of an action: each key is a built-in, evaluated per partition (the action's
 * interval column unless `partition` says otherwise). List-like built-ins take one spec or a list.
 * @example assertions: {
 *   zeroShare: [{ column: 'discount_rate', max: 0.5, includeNull: true, severity: 'warn' }],
 *   notConstant: [{ column: 'discount_rate', minStddev: 0.0001, minDistinct: 2 }],
 *   range: { basket_score: { min: 0, max: 100 } },
 *   rowCount: { relativeTo: 'orders_daily', minRatio: 0.9 },
 * }
 */
export const inlineAssertionsSchema = z
  .strictObject({
    /** Evaluate per this column instead of the interval column; null = whole table. */
    partition: columnName.nullable().optional(),
    /** Default minRows of every check here: smaller partitions are skipped and say so. */
    minRows: z.number().int().nonnegative().optional(),
    /** Key columns (one key), or specs with options. */
    uniqueKey: columnsOrSpecs(uniqueKeySpec, 'uniqueKey').optional(),
    /** Columns never NULL, or specs with options. */
    nonNull: columnsOrSpecs(nonNullSpec, 'nonNull').optional(),
    /** Column → accepted values, or → { values, allowNull, severity, ... }. */
    acceptedValues: z
      .record(columnName, z.union([z.array(acceptedValue).nonempty(), acceptedValuesOptions]))
      .optional(),
    /** Column → { min, max, severity, ... }. */
    range: z.record(columnName, rangeOptions).optional(),
    zeroShare: oneOrMany(zeroShareSpec, 'zeroShare').optional(),
    nullShare: oneOrMany(nullShareSpec, 'nullShare').optional(),
    notConstant: oneOrMany(notConstantSpec, 'notConstant').optional(),
    distinctCount: oneOrMany(distinctCountSpec, 'distinctCount').optional(),
    rowCount: oneOrMany(rowCountSpec, 'rowCount').optional(),
    freshness: oneOrMany(freshnessSpec, 'freshness').optional(),
    expression: oneOrMany(expressionSpec, 'expression').optional(),
    sourcesPresent: oneOrMany(sourcesPresentSpec, 'sourcesPresent').optional(),
  })
  .superRefine((config, ctx) => {
    for (const name of duplicateCheckNames(expandInlineAssertions(config))) {
      ctx.addIssue({ code: 'custom', message: `two checks are named "${name}"; give one of them a different name` })
    }
  })

export type InlineAssertions = z.input<typeof inlineAssertionsSchema>
type Parsed = z.output<typeof inlineAssertionsSchema>

function list<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return []
  return Array.isArray(value) ? (value as readonly T[]) : [value as T]
}

type KeySpec = z.output<typeof uniqueKeySpec>

/** uniqueKey / nonNull: bare columns are one spec. */
function keySpecs(value: Parsed['uniqueKey'] | Parsed['nonNull']): KeySpec[] {
  if (value === undefined) return []
  if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return [{ columns: value as [string, ...string[]] }]
  return [...list(value as KeySpec | readonly KeySpec[])]
}

function keyChecks(config: Parsed, defaults: CheckDefaults): CheckDefinition[] {
  return [
    ...keySpecs(config.uniqueKey).map((s) => uniqueKeyCheck(resolveOptions(s, defaults))),
    ...keySpecs(config.nonNull).map((s) => nonNullCheck(resolveOptions(s, defaults))),
  ]
}

function columnChecks(config: Parsed, defaults: CheckDefaults): CheckDefinition[] {
  return [
    ...Object.entries(config.acceptedValues ?? {}).map(([column, spec]) =>
      acceptedValuesCheck(
        resolveOptions(Array.isArray(spec) ? { column, values: spec } : { column, ...spec }, defaults),
      ),
    ),
    ...Object.entries(config.range ?? {}).map(([column, spec]) =>
      rangeCheck(resolveOptions({ column, ...spec }, defaults)),
    ),
  ]
}

/** Turn an action's inline assertion config into checks, in a stable order. */
export function expandInlineAssertions(config: Parsed): CheckDefinition[] {
  const defaults: CheckDefaults = { minRows: config.minRows }
  return [
    ...keyChecks(config, defaults),
    ...columnChecks(config, defaults),
    ...list(config.zeroShare).map((s) => zeroShareCheck(resolveOptions(s, defaults))),
    ...list(config.nullShare).map((s) => nullShareCheck(resolveOptions(s, defaults))),
    ...list(config.notConstant).map((s) => notConstantCheck(resolveOptions(s, defaults))),
    ...list(config.distinctCount).map((s) => distinctCountCheck(resolveOptions(s, defaults))),
    ...list(config.rowCount).map((s) => rowCountCheck(resolveOptions(s, defaults))),
    ...list(config.freshness).map((s) => freshnessCheck(resolveOptions(s, defaults))),
    ...list(config.expression).map((s) => expressionCheck(resolveOptions(s, defaults))),
    ...list(config.sourcesPresent).flatMap((s) => sourcesPresentChecks(resolveOptions(s, defaults))),
  ]
}

/** Names used by more than one check (each must be unique within its action). */
export function duplicateCheckNames(checks: readonly CheckDefinition[]): string[] {
  const seen = new Set<string>()
  const duplicates = new Set<string>()
  for (const check of checks) {
    if (seen.has(check.name)) duplicates.add(check.name)
    seen.add(check.name)
  }
  return [...duplicates].sort()
}

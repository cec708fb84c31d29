import { z } from 'zod'

/** Config shapes of the built-ins, shared by inline `assertions: {...}` and the `checks.*` functions. */
export const columnName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'use a snake_case column name')
export const checkName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use a snake_case check name')
export const actionName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use a snake_case action name')
const share = z.number().min(0).max(1)
const count = z.number().int().nonnegative()
const columns = z.array(columnName).nonempty()
const acceptedValue = z.union([z.string(), z.number(), z.boolean()])

/** Options every built-in takes. */
export const commonOptions = {
  /** 'error' (default): the action fails and its dependents are skipped; 'warn': reported and recorded only. */
  severity: z.enum(['error', 'warn']).optional(),
  /** Check name, unique within the action; default derived from the built-in and its column. */
  name: checkName.optional(),
  /** Partitions with fewer rows in scope are skipped and say so. Default: the assertions' minRows, else 1. */
  minRows: count.optional(),
  /** SQL condition selecting the rows in scope (authored code, not input), e.g. 'NOT is_dnp'. */
  where: z.string().min(1).optional(),
}

export const uniqueKeySpec = z.strictObject({ columns, ...commonOptions })
export const nonNullSpec = z.strictObject({ columns, ...commonOptions })

const acceptedShape = {
  values: z.array(acceptedValue).nonempty(),
  /** NULL passes (default true; use nonNull to forbid it). */
  allowNull: z.boolean().optional(),
  ...commonOptions,
}
export const acceptedValuesOptions = z.strictObject(acceptedShape)
export const acceptedValuesSpec = z.strictObject({ column: columnName, ...acceptedShape })

const bounds = (value: { min?: number | undefined; max?: number | undefined }) =>
  value.min !== undefined || value.max !== undefined
const boundsMessage = { message: 'give min, max or both' }
const rangeShape = { min: z.number().optional(), max: z.number().optional(), ...commonOptions }
export const rangeOptions = z.strictObject(rangeShape).refine(bounds, boundsMessage)
export const rangeSpec = z.strictObject({ column: columnName, ...rangeShape }).refine(bounds, boundsMessage)

export const zeroShareSpec = z.strictObject({
  column: columnName,
  /** Largest share of rows that may be 0. */
  max: share,
  /** NULL counts as 0 too (default false). */
  includeNull: z.boolean().optional(),
  ...commonOptions,
})

export const nullShareSpec = z.strictObject({
  column: columnName,
  /** Largest share of rows that may be NULL. */
  max: share,
  ...commonOptions,
})

export const notConstantSpec = z.strictObject({
  column: columnName,
  /** Sample stddev floor (default 0.0001). */
  minStddev: z.number().nonnegative().optional(),
  /** Distinct non-NULL values floor (default 2). One distinct value is always an error. */
  minDistinct: z.number().int().min(1).optional(),
  ...commonOptions,
})

export const rowCountSpec = z
  .strictObject({
    /** Fewest rows per partition. */
    min: count.optional(),
    /** Upstream action whose rows per partition this is compared with. */
    relativeTo: actionName.optional(),
    /** With relativeTo: fewest rows as a share of the upstream's (default 1). */
    minRatio: z.number().nonnegative().optional(),
    /** With relativeTo: the upstream's date column (default: this check's partition column). */
    upstreamPartition: columnName.optional(),
    /** With relativeTo: count the upstream's distinct values of this column instead of its rows. */
    upstreamDistinct: columnName.optional(),
    /** Without relativeTo: pass when no row is in scope at all (default true; false fails an empty check). */
    allowEmpty: z.boolean().optional(),
    ...commonOptions,
    /** With relativeTo: partitions where the upstream has fewer rows are skipped. Without, never skipped. */
    minRows: count.optional(),
  })
  .refine((v) => v.min !== undefined || v.relativeTo !== undefined, { message: 'give min, relativeTo, or both' })
  .refine(
    (v) =>
      v.relativeTo !== undefined ||
      (v.minRatio === undefined && v.upstreamPartition === undefined && v.upstreamDistinct === undefined),
    {
      message: 'minRatio, upstreamPartition and upstreamDistinct need relativeTo',
    },
  )

export const distinctCountSpec = z
  .strictObject({
    column: columnName,
    min: count.optional(),
    max: count.optional(),
    ...commonOptions,
  })
  .refine(bounds, boundsMessage)

const { minRows: _minRows, ...freshnessOptions } = commonOptions

export const freshnessSpec = z.strictObject({
  /** Latest date may be at most this many days before the reference date. */
  maxAgeDays: count,
  /** Date column (default: the partition column). */
  column: columnName.optional(),
  // One judgement for the whole relation: an empty one is stale, never skipped, so no minRows.
  ...freshnessOptions,
})

export const expressionSpec = z.strictObject({
  ...commonOptions,
  /** Check name (required: nothing to derive it from). */
  name: checkName,
  /** Boolean SQL that must hold on every row in scope; NULL counts as not holding. */
  condition: z.string().min(1),
})

export const sourceFamilySpec = z.union([
  columnName,
  z.strictObject({
    /** Column saying where the family came from: a label, or an array of labels (with index). */
    column: columnName,
    /** Zero-based element(s) of an array column; several must all be found. */
    index: z.union([count, z.array(count).nonempty()]).optional(),
    /** Labels that mean found; default: any non-NULL label not in `missing`. */
    found: z.array(z.string()).nonempty().optional(),
    /** Labels that mean not found (default: missing, none, default, fallback). */
    missing: z.array(z.string()).nonempty().optional(),
    /** Override of the spec's `min` for this family. */
    min: share.optional(),
  }),
])

export const sourcesPresentSpec = z.strictObject({
  /** Family name → its source column; one check per family. */
  families: z
    .record(checkName, sourceFamilySpec)
    .refine((f) => Object.keys(f).length > 0, { message: 'name at least one family' }),
  /** Smallest share of rows whose source says the family was found. */
  min: share,
  ...commonOptions,
})

export type UniqueKeySpec = z.output<typeof uniqueKeySpec>
export type NonNullSpec = z.output<typeof nonNullSpec>
export type AcceptedValuesSpec = z.output<typeof acceptedValuesSpec>
export type RangeSpec = z.output<typeof rangeSpec>
export type ZeroShareSpec = z.output<typeof zeroShareSpec>
export type NullShareSpec = z.output<typeof nullShareSpec>
export type NotConstantSpec = z.output<typeof notConstantSpec>
export type RowCountSpec = z.output<typeof rowCountSpec>
export type DistinctCountSpec = z.output<typeof distinctCountSpec>
export type FreshnessSpec = z.output<typeof freshnessSpec>
export type ExpressionSpec = z.output<typeof expressionSpec>
export type SourcesPresentSpec = z.output<typeof sourcesPresentSpec>
export type SourceFamilySpec = z.output<typeof sourceFamilySpec>

/** One spec or a non-empty list of them, with a readable error when neither fits. */
export function oneOrMany<T extends z.ZodType>(spec: T, label: string) {
  return z.union([spec, z.array(spec).nonempty()], { error: (issue) => unionMessage(issue, label) })
}

/** Column names, one spec, or a list of specs (uniqueKey, nonNull). */
export function columnsOrSpecs<T extends z.ZodType>(spec: T, label: string) {
  return z.union([columns, spec, z.array(spec).nonempty()], { error: (issue) => unionMessage(issue, label) })
}

function unionMessage(issue: { code?: string; errors?: unknown }, label: string): string {
  const branches = (Array.isArray(issue.errors) ? issue.errors : []) as {
    code: string
    path: PropertyKey[]
    message: string
  }[][]
  // The branch that got furthest (right shape at the root, fewest type mismatches) is the one the author meant.
  const mismatch = (branch: readonly { code: string; path: PropertyKey[] }[]) =>
    branch.filter((i) => i.code === 'invalid_type').reduce((n, i) => n + (i.path.length === 0 ? 1000 : 1), 0)
  const relevant = [...branches].sort((a, b) => mismatch(a) - mismatch(b))[0] ?? []
  const details = relevant.map((i) => `${i.path.length ? `${i.path.map(String).join('.')}: ` : ''}${i.message}`)
  return `expected a ${label} spec or a list of them${details.length ? `: ${details.join('; ')}` : ''}`
}

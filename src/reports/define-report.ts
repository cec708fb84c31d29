import { z } from 'zod'
import type { ActionName } from '../core/registry.js'
import type { EngineId, SqlFunctions } from '../engines/dialect.js'
import type { SqlFragment } from '../sql/fragment.js'

/**
 * A report: a read-only query over the project's tables, defined by the project
 * (`includes/reports.ts`) and run by `pipeline report <name>`. The engine knows only its shape:
 * the query reads three command-line values as parameters and groups its rows by one of the
 * groupings the report declares.
 */

/** What a report's query (and a grouping's key) receives. */
export interface ReportContext {
  /** An action's table, rendered for the engine (the report reads what the pipeline built). */
  ref(name: ActionName): SqlFragment
  /** Command-line values, bound as query parameters, never spliced into the SQL text. */
  readonly params: {
    /** `--from` (DATE, inclusive); '0001-01-01' when not given. */
    readonly from: SqlFragment
    /** `--to` (DATE, inclusive); '9999-12-31' when not given. */
    readonly to: SqlFragment
    /** `--system` (STRING); the report's `defaultSystem` when not given, else NULL. */
    readonly system: SqlFragment
  }
  /**
   * The grouping key of each output row, a STRING expression: the chosen grouping's key, or the
   * constant 'all' for the total. Select it `AS group_key` and `GROUP BY` it.
   */
  readonly group: SqlFragment
  /** The chosen grouping's name (`--by`), or null for the total. */
  readonly by: string | null
  readonly fn: SqlFunctions
  readonly engine: EngineId
}

export type ReportQueryFn = (ctx: ReportContext) => SqlFragment
/** A grouping key over the report query's FROM aliases. */
export type ReportKeyFn = (ctx: Omit<ReportContext, 'group' | 'by'>) => SqlFragment

const reportName = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'use kebab-case: a lower-case letter, then letters, digits or -')
const columnName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'use a snake_case column name')
const fn = <T>(message: string) => z.custom<T>((v) => typeof v === 'function', message)

export const reportColumnSchema = z.strictObject({
  /** Output column of the query. */
  name: columnName,
  /** Header in the text table; default the name. */
  label: z.string().min(1).optional(),
  /** ratio: 3 decimals (fractions such as hit rates); number: 2 decimals; integer; text. */
  format: z.enum(['ratio', 'number', 'integer', 'text']).default('number'),
  description: z.string().optional(),
})

export const reportSchema = z.strictObject({
  /** The name `pipeline report <name>` takes, kebab-case. */
  name: reportName,
  description: z.string().min(1),
  /** `--by` values: grouping name → its key and what it means. */
  groupings: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_-]*$/, 'use a lower-case grouping name'),
      z.strictObject({
        key: fn<ReportKeyFn>('must be a function (ctx) => sql`...`'),
        description: z.string().min(1),
      }),
    )
    .default({}),
  /** `--system` when the flag is not given. */
  defaultSystem: z.string().min(1).optional(),
  /** Label of the total row under a grouping in the text table (the query decides its scope). Default 'total'. */
  totalLabel: z.string().min(1).default('total'),
  /** Output columns besides group_key, in display order. */
  columns: z.array(reportColumnSchema).nonempty(),
  query: fn<ReportQueryFn>('must be a function (ctx) => sql`select ${ctx.group} as group_key, ...`'),
})

export type ReportConfig = z.input<typeof reportSchema>
export type ReportColumn = z.output<typeof reportColumnSchema>
export type ReportDefinition = { readonly kind: 'report' } & Readonly<z.output<typeof reportSchema>>

const REPORT_MARK = Symbol.for('pipeline.report')

/**
 * A report for `pipeline report <name>`, exported from includes/reports.ts.
 * @example export const volume = defineReport({ name: 'volume', description: 'rows per day',
 *   groupings: { day: { key: () => sql`day`, description: 'one row per day' } },
 *   columns: [{ name: 'rows', format: 'integer' }],
 *   query: (ctx) => sql`select ${ctx.group} as group_key, count(*) as rows from ${ctx.ref('orders')}
 *     where day between ${ctx.params.from} and ${ctx.params.to} group by 1 order by 1` })
 */
export function defineReport(config: ReportConfig): ReportDefinition {
  const parsed = reportSchema.safeParse(config)
  if (!parsed.success) {
    const name = typeof (config as { name?: unknown })?.name === 'string' ? `"${config.name}"` : '(unnamed)'
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    throw new Error(`Report ${name}: invalid definition: ${problems.join('; ')}`)
  }
  const report = { kind: 'report' as const, ...parsed.data }
  Object.defineProperty(report, REPORT_MARK, { value: true, enumerable: false })
  return Object.freeze(report)
}

export function isReportDefinition(value: unknown): value is ReportDefinition {
  return typeof value === 'object' && value !== null && REPORT_MARK in value
}

import { z } from 'zod'
import type { ActionName } from '../core/registry.js'
import type { EngineId, SqlFunctions } from '../engines/dialect.js'
import type { SqlFragment } from '../sql/fragment.js'

/**
 * A report: a read-only query over the project's tables, defined by the project
 * (`includes/reports.ts`) and run by `pipeline report <name>`. The engine knows only its shape:
 * the query reads the date range and the parameters the report declares, bound as query
 * parameters, and groups its rows by one of the groupings the report declares.
 */

/** Command-line values a report's query reads, bound as query parameters, never spliced into the SQL text. */
export type ReportParams<P extends string = string> = {
  /** `--from` (DATE, inclusive); '0001-01-01' when not given. */
  readonly from: SqlFragment
  /** `--to` (DATE, inclusive); '9999-12-31' when not given. */
  readonly to: SqlFragment
} & { readonly [K in P]: SqlFragment }

/** What a report's query (and a grouping's key) receives; `P` names the parameters the report declares. */
export interface ReportContext<P extends string = string> {
  /** An action's table, rendered for the engine (the report reads what the pipeline built). */
  ref(name: ActionName): SqlFragment
  /** `from`, `to`, and each declared parameter (`--<name> VALUE` or `--param name=VALUE`): its value, default, or NULL. */
  readonly params: ReportParams<P>
  /**
   * The grouping key of each output row, a STRING expression: the chosen grouping's key, or the
   * constant 'all' for the total. Select it `AS group_key` and `GROUP BY` it.
   */
  readonly group: SqlFragment
  /** The chosen grouping's name (`--by`), or null for the total. */
  readonly by: string | null
  readonly fn: SqlFunctions
  readonly engine: EngineId
  /**
   * One of the engine's own bookkeeping tables (pipeline_state.runs, intervals, assertion_results),
   * e.g. to tell which builds were forced (`runs.skip_assertions`) or when a build first ran.
   */
  stateTable(name: 'runs' | 'intervals' | 'assertion_results'): SqlFragment
}

export type ReportQueryFn<P extends string = string> = (ctx: ReportContext<P>) => SqlFragment
/** A grouping key over the report query's FROM aliases. */
export type ReportKeyFn<P extends string = string> = (ctx: Omit<ReportContext<P>, 'group' | 'by'>) => SqlFragment

/** Names the CLI or the context already use: a parameter may not take them. */
export const RESERVED_PARAM_NAMES: readonly string[] = [
  'from',
  'to',
  'by',
  'param',
  'json',
  'project',
  'engine',
  'warehouse',
  'help',
]

/** A declared parameter: what it means, its SQL type, its default, and the values it accepts. */
export const reportParamSchema = z
  .strictObject({
    /** Shown by `pipeline report` (the list) and in errors. */
    description: z.string().min(1),
    /** SQL type the value is bound as; the command-line text is checked against it. Default STRING. */
    type: z.enum(['STRING', 'INT64', 'FLOAT64', 'BOOL', 'DATE']).default('STRING'),
    /** Value when the parameter is not given; without one, NULL. */
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    /** The only accepted values (STRING). */
    values: z.array(z.string()).nonempty().optional(),
    /** A regular expression the whole value must match (STRING), e.g. /^[a-z0-9_]+$/. */
    pattern: z.instanceof(RegExp).optional(),
  })
  .superRefine(checkParamSpec)

const JS_TYPE = { STRING: 'string', DATE: 'string', INT64: 'number', FLOAT64: 'number', BOOL: 'boolean' } as const

/** values and pattern constrain STRING parameters; a default has the parameter's type and passes its checks. */
function checkParamSpec(
  spec: {
    type: keyof typeof JS_TYPE
    default?: string | number | boolean | undefined
    values?: string[] | undefined
    pattern?: RegExp | undefined
  },
  ctx: z.RefinementCtx,
): void {
  if (spec.type !== 'STRING' && (spec.values || spec.pattern))
    ctx.addIssue({ code: 'custom', message: 'values and pattern apply to STRING parameters only' })
  const value = spec.default
  if (value === undefined) return
  if (typeof value !== JS_TYPE[spec.type])
    ctx.addIssue({
      code: 'custom',
      path: ['default'],
      message: `must be a ${JS_TYPE[spec.type]} for a ${spec.type} parameter`,
    })
  else if (typeof value === 'string' && !acceptsString(spec, value))
    ctx.addIssue({ code: 'custom', path: ['default'], message: `"${value}" is not one of the accepted values` })
}

/** A STRING value passes the parameter's `values` and `pattern` (whole-value match). */
export function acceptsString(
  spec: { values?: readonly string[] | undefined; pattern?: RegExp | undefined },
  value: string,
): boolean {
  if (spec.values && !spec.values.includes(value)) return false
  if (!spec.pattern) return true
  const match = new RegExp(spec.pattern.source, spec.pattern.flags.replace('g', '')).exec(value)
  return match !== null && match[0] === value
}

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
  /** Only under these groupings (`--by`); the query selects it only then. Default: always. */
  groupings: z.array(z.string().min(1)).nonempty().optional(),
})

export const reportSchema = z
  .strictObject({
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
    /** Parameters the query reads as `ctx.params.<name>`: camelCase names, given as `--<kebab-name> VALUE`. */
    params: z.record(z.string(), reportParamSchema).default({}),
    /** Label of the total row under a grouping in the text table (the query decides its scope). Default 'total'. */
    totalLabel: z.string().min(1).default('total'),
    /** Output columns besides group_key, in display order. */
    columns: z.array(reportColumnSchema).nonempty(),
    query: fn<ReportQueryFn>('must be a function (ctx) => sql`select ${ctx.group} as group_key, ...`'),
  })
  .superRefine(checkParamNames)

/** Parameter names are camelCase (the flag is their kebab-case form) and not taken by the CLI or the context. */
function checkParamNames(config: { params: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  for (const name of Object.keys(config.params)) {
    if (RESERVED_PARAM_NAMES.includes(name))
      ctx.addIssue({
        code: 'custom',
        path: ['params', name],
        message: `reserved; do not name a parameter ${RESERVED_PARAM_NAMES.join(', ')}`,
      })
    else if (!/^[a-z][a-zA-Z0-9]*$/.test(name))
      ctx.addIssue({
        code: 'custom',
        path: ['params', name],
        message: 'use a camelCase parameter name (the flag is its kebab-case form)',
      })
  }
}

/** A report's configuration; `P` (inferred from `params`) types `ctx.params` in the query and grouping keys. */
export type ReportConfig<P extends string = string> = Omit<
  z.input<typeof reportSchema>,
  'params' | 'groupings' | 'query'
> & {
  readonly params?: { readonly [K in P]: z.input<typeof reportParamSchema> }
  readonly groupings?: Readonly<Record<string, { readonly key: ReportKeyFn<P>; readonly description: string }>>
  readonly query: ReportQueryFn<P>
}
export type ReportColumn = z.output<typeof reportColumnSchema>
export type ReportParam = z.output<typeof reportParamSchema>
export type ReportDefinition = { readonly kind: 'report' } & Readonly<z.output<typeof reportSchema>>

const REPORT_MARK = Symbol.for('pipeline.report')

/**
 * A report for `pipeline report <name>`, exported from includes/reports.ts.
 * @example export const volume = defineReport({ name: 'volume', description: 'rows per day',
 *   params: { country: { description: 'customer country', pattern: /^[a-z]{2}$/ } }, // --country fr
 *   groupings: { day: { key: () => sql`day`, description: 'one row per day' } },
 *   columns: [{ name: 'rows', format: 'integer' }],
 *   query: (ctx) => sql`select ${ctx.group} as group_key, count(*) as rows from ${ctx.ref('orders')}
 *     where day between ${ctx.params.from} and ${ctx.params.to} and country = ${ctx.params.country}
 *     group by 1 order by 1` })
 */
export function defineReport<const P extends string = never>(config: ReportConfig<P>): ReportDefinition {
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

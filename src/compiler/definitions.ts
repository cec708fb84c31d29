import type { z } from 'zod'
import type { CompileIssue } from '../core/errors.js'
import {
  assertionSchema,
  declarationSchema,
  incrementalSchema,
  operationSchema,
  projectSchema,
  tableSchema,
  viewSchema,
} from './schemas.js'

type Out<S extends z.ZodType> = z.output<S>
type In<S extends z.ZodType> = z.input<S>

export type DeclarationConfig = In<typeof declarationSchema>
export type TableConfig = In<typeof tableSchema>
export type ViewConfig = In<typeof viewSchema>
export type IncrementalConfig = In<typeof incrementalSchema>
export type AssertionConfig = In<typeof assertionSchema>
export type OperationConfig = In<typeof operationSchema>
export type ProjectConfig = In<typeof projectSchema>

export type DeclarationAction = { readonly kind: 'declaration' } & Readonly<Out<typeof declarationSchema>>
export type TableAction = { readonly kind: 'table' } & Readonly<Out<typeof tableSchema>>
export type ViewAction = { readonly kind: 'view' } & Readonly<Out<typeof viewSchema>>
export type IncrementalAction = { readonly kind: 'incremental' } & Readonly<Out<typeof incrementalSchema>>
export type AssertionAction = { readonly kind: 'assertion' } & Readonly<Out<typeof assertionSchema>>
export type OperationAction = { readonly kind: 'operation' } & Readonly<Out<typeof operationSchema>>

/** A definition whose config failed validation: the compiler reports it with its file. */
export interface InvalidAction {
  readonly kind: 'invalid'
  readonly attemptedKind: ActionKind
  readonly name?: string
  readonly issues: readonly CompileIssue[]
}

export type ActionDefinition =
  DeclarationAction | TableAction | ViewAction | IncrementalAction | AssertionAction | OperationAction
export type ActionKind = ActionDefinition['kind']
export type ProjectDefinition = { readonly kind: 'project' } & Readonly<Out<typeof projectSchema>>

export const DEFINITION_MARK = Symbol.for('pipeline.definition')

function build<K extends ActionKind, S extends z.ZodType>(
  kind: K,
  schema: S,
  config: unknown,
): ({ readonly kind: K } & Readonly<Out<S>>) | InvalidAction {
  const parsed = schema.safeParse(config)
  const name = typeof (config as { name?: unknown })?.name === 'string' ? (config as { name: string }).name : undefined
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      code: 'invalid-config',
      action: name,
      message: describeZodIssue(kind, issue),
    }))
    return Object.freeze(mark({ kind: 'invalid' as const, attemptedKind: kind, name, issues }))
  }
  return Object.freeze(mark({ kind, ...(parsed.data as object) })) as { readonly kind: K } & Readonly<Out<S>>
}

function mark<T extends object>(value: T): T {
  Object.defineProperty(value, DEFINITION_MARK, { value: true, enumerable: false })
  return value
}

function describeZodIssue(kind: string, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.')
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${[...issue.path.map(String), k].join('.')}"`).join(', ')
    return `unknown ${kind} config key ${keys}; remove it or check its spelling`
  }
  return `invalid ${kind} config at "${path || '(root)'}": ${issue.message}`
}

export function isDefinition(value: unknown): value is ActionDefinition | InvalidAction | ProjectDefinition {
  return typeof value === 'object' && value !== null && DEFINITION_MARK in value
}

/**
 * A source table the pipeline reads but does not build.
 * @example export const orders = declaration({ name: 'raw_orders', dataset: 'raw', interval: { column: 'order_date' } })
 */
export function declaration(config: DeclarationConfig) {
  return build('declaration', declarationSchema, config)
}

/**
 * A table rebuilt in full on every run, atomically.
 * @example export const teams = table({ name: 'teams', query: (ctx) => sql`select * from ${ctx.ref('raw_teams')}` })
 */
export function table(config: TableConfig) {
  return build('table', tableSchema, config)
}

/**
 * A view.
 * @example export const recent = view({ name: 'recent', query: (ctx) => sql`select * from ${ctx.ref('orders')}` })
 */
export function view(config: ViewConfig) {
  return build('view', viewSchema, config)
}

/**
 * A table built by date interval: only missing dates are processed.
 * @example incremental({ name: 'daily', interval: { column: 'day', start: '2024-01-01' }, write: { strategy: 'replace_interval' },
 *   query: (ctx) => sql`select * from ${ctx.ref('events')} where day >= ${ctx.interval.start} and day < ${ctx.interval.end}` })
 */
export function incremental(config: IncrementalConfig) {
  return build('incremental', incrementalSchema, config)
}

/**
 * A query selecting offending rows; zero rows passes.
 * @example assertion({ name: 'orders_have_customer', query: (ctx) => sql`select * from ${ctx.ref('orders')} where customer_id is null` })
 */
export function assertion(config: AssertionConfig) {
  return build('assertion', assertionSchema, config)
}

/**
 * Free SQL statements, run in order, never retried.
 * @example operation({ name: 'vacuum', queries: () => sql`checkpoint` })
 */
export function operation(config: OperationConfig) {
  return build('operation', operationSchema, config)
}

/**
 * Project settings, in includes/project.ts.
 * @example export const project = defineProject({ defaultDataset: 'analytics' })
 */
export function defineProject(config: ProjectConfig): ProjectDefinition {
  const parsed = projectSchema.safeParse(config)
  if (!parsed.success)
    throw new Error(`includes/project.ts: ${parsed.error.issues.map((i) => describeZodIssue('project', i)).join('; ')}`)
  return Object.freeze(mark({ kind: 'project' as const, ...parsed.data }))
}

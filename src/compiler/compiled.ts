import type { CheckDefinition, Severity } from '../assertions/types.js'
import type { CompileIssue } from '../core/errors.js'
import type { EngineId, Target } from '../engines/dialect.js'
import type {
  AssertionAction,
  DeclarationAction,
  IncrementalAction,
  OperationAction,
  ProjectDefinition,
  TableAction,
  ViewAction,
} from './definitions.js'

/** A check attached to an action, rendered against the action's table. */
export interface CompiledCheck {
  /** Full name: `<action>.<check>` for inline checks, the assertion's name for standalone ones. */
  readonly name: string
  readonly severity: Severity
  readonly builtin: string
  readonly definition: CheckDefinition
  readonly summarySql: string
  readonly offendingSql: string | null
  readonly threshold: string
}

export type HookName = 'beforeBatch' | 'afterBatch' | 'onFailure'

export interface CompiledSql {
  /** Statements the engine runs around each batch of an incremental action. */
  readonly hooks?: Readonly<Partial<Record<HookName, readonly string[]>>>
  /** SELECT producing the action's rows (tables, views, incrementals, assertions). */
  readonly query?: string
  /** The first-build form when the query reads ctx.isIncremental. */
  readonly fullQuery?: string
  /** Incrementals with interval.reopen: SELECT of the recorded dates to rebuild (see the interval schema). */
  readonly reopen?: string
  /** Statements of an operation, in order. */
  readonly statements?: readonly string[]
}

interface CompiledBase {
  readonly name: string
  /** Path of the definition's module, relative to the project root. */
  readonly file: string
  /** Resolved dependencies: refs, declared dependencies, and gating assertions. */
  readonly dependencies: readonly string[]
  readonly tags: readonly string[]
  readonly checks: readonly CompiledCheck[]
}

/** SQL of an action whose rows come from one SELECT (tables, views, incrementals). */
export type QuerySql = CompiledSql & { readonly query: string }

export interface CompiledDeclaration extends CompiledBase {
  readonly kind: 'declaration'
  readonly target: Target
  readonly sql: CompiledSql
  readonly definition: DeclarationAction
}

export interface CompiledTable extends CompiledBase {
  readonly kind: 'table'
  readonly target: Target
  readonly sql: QuerySql
  readonly definition: TableAction
}

export interface CompiledView extends CompiledBase {
  readonly kind: 'view'
  readonly target: Target
  readonly sql: QuerySql
  readonly definition: ViewAction
}

export interface CompiledIncremental extends CompiledBase {
  readonly kind: 'incremental'
  readonly target: Target
  readonly sql: QuerySql
  readonly definition: IncrementalAction
}

export interface CompiledAssertion extends CompiledBase {
  readonly kind: 'assertion'
  readonly target: null
  readonly sql: CompiledSql
  readonly definition: AssertionAction
  /** The action whose dependents wait for this assertion. */
  readonly guards?: string
}

export interface CompiledOperation extends CompiledBase {
  readonly kind: 'operation'
  /** The table the operation creates (hasOutput), else null. */
  readonly target: Target | null
  readonly sql: CompiledSql & { readonly statements: readonly string[] }
  readonly definition: OperationAction
}

/** A compiled action: its kind decides which fields exist, so the runner needs no casts. */
export type CompiledAction =
  CompiledDeclaration | CompiledTable | CompiledView | CompiledIncremental | CompiledAssertion | CompiledOperation

/** Actions that own a table or view in the warehouse. */
export type CompiledRelation = CompiledTable | CompiledView | CompiledIncremental

export interface CompiledGraph {
  readonly engine: EngineId
  readonly root: string
  readonly project: ProjectDefinition
  /** Sorted by name. */
  readonly actions: readonly CompiledAction[]
  readonly issues: readonly CompileIssue[]
}

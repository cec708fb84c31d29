import type { CheckDefinition, Severity } from '../assertions/types.js'
import type { CompileIssue } from '../core/errors.js'
import type { EngineId, Target } from '../engines/dialect.js'
import type { ActionDefinition, ActionKind, ProjectDefinition } from './definitions.js'

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
  /** Statements of an operation, in order. */
  readonly statements?: readonly string[]
}

export interface CompiledAction {
  readonly name: string
  readonly kind: ActionKind
  readonly file: string
  readonly target: Target | null
  /** Resolved dependencies: refs, declared dependencies, and gating assertions. */
  readonly dependencies: readonly string[]
  readonly tags: readonly string[]
  readonly sql: CompiledSql
  readonly checks: readonly CompiledCheck[]
  /** For assertions: the action whose dependents wait for it. */
  readonly guards?: string
  readonly definition: ActionDefinition
}

export interface CompiledGraph {
  readonly engine: EngineId
  readonly root: string
  readonly project: ProjectDefinition
  /** Sorted by name. */
  readonly actions: readonly CompiledAction[]
  readonly issues: readonly CompileIssue[]
}

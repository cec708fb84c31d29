import type { EngineId, SqlFunctions } from '../engines/dialect.js'
import type { SqlFragment } from '../sql/fragment.js'
import type { ActionName } from '../core/registry.js'

export type RunMode = 'daily' | 'backfill'

/** Values of the current run, as SQL parameters: one compiled statement serves every run. */
export interface RunParams {
  /** Engine run id (a UUID). */
  readonly id: SqlFragment
  /** Git SHA of the code executing the write; `-dirty` when the tree had uncommitted changes. */
  readonly buildCommitSha: SqlFragment
  /** Runtime revision (`PIPELINE_DEPLOYMENT_REVISION`, `K_REVISION`) or 'local'. */
  readonly deploymentRevision: SqlFragment
  /** 'daily' for a normal run, 'backfill' for a backfill. */
  readonly mode: SqlFragment
  /** UTC timestamp at which the run started. */
  readonly startedAt: SqlFragment
}

/** What a query function receives. */
export interface ActionContext {
  /** A dependency on another action, rendered as its table name for the engine. */
  ref(name: ActionName): SqlFragment
  /** This action's own table. */
  self(): SqlFragment
  /** The half-open date interval being built: start ≤ date < end (incremental actions). */
  readonly interval: { readonly start: SqlFragment; readonly end: SqlFragment }
  /** True when rendering the incremental form (the target exists and this is not a full refresh). */
  readonly isIncremental: boolean
  readonly run: RunParams
  /** Project variables from includes/project.ts. */
  readonly vars: Readonly<Record<string, string | number | boolean>>
  /** Engine-specific SQL functions. */
  readonly fn: SqlFunctions
  readonly engine: EngineId
}

export type QueryFn = (ctx: ActionContext) => SqlFragment
export type OperationFn = (ctx: ActionContext) => SqlFragment | readonly SqlFragment[]

/** Names of the run parameters as the engine binds them. */
export const RUN_PARAM_NAMES = {
  id: 'run_id',
  buildCommitSha: 'build_commit_sha',
  deploymentRevision: 'deployment_revision',
  mode: 'run_mode',
  startedAt: 'run_started_at',
} as const

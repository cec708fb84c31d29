import { PipelineError } from '../core/errors.js'

export type MigrationDirection = 'up'

/** A migration could not be defined, loaded or applied; exit 1. */
export class MigrationError extends PipelineError {
  /** File relative to the project root (migrations/NNNN-name.ts), when one migration is at fault. */
  readonly migration?: string
  readonly direction: MigrationDirection = 'up'
  constructor(code: string, message: string, options?: { cause?: unknown; migration?: string }) {
    super(code, message, options)
    if (options?.migration !== undefined) this.migration = options.migration
  }
}

/** Bad file names, duplicate numbers or gaps in migrations/. */
export class MigrationOrderError extends MigrationError {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(
      'migration-order',
      `migrations/ is not a valid sequence:\n${problems.map((p) => `  - ${p}`).join('\n')}\nName files NNNN-kebab-name.ts, numbered 0001, 0002, … without gaps or repeats`,
    )
    this.problems = problems
  }
}

/** A migration file is invalid: its default export is not a migration, or `up` failed while declaring statements. */
export class MigrationDefinitionError extends MigrationError {
  constructor(migration: string, message: string, cause?: unknown) {
    super('migration-invalid', `${migration}: ${message}`, { cause, migration })
  }
}

/** Applied migrations changed on disk, vanished, or did not finish: nothing is applied until a person looks. */
export class MigrationDriftError extends MigrationError {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(
      'migration-drift',
      `the migration ledger does not match migrations/:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    )
    this.problems = problems
  }
}

/** Another migrator holds the lease in pipeline_state.locks. */
export class MigrationLockError extends MigrationError {
  readonly holder: string
  readonly expiresAt: string | null
  constructor(message: string, holder: string, expiresAt: string | null) {
    super('migration-locked', message)
    this.holder = holder
    this.expiresAt = expiresAt
  }
}

/** A migration's statement failed; on transactional engines nothing of it was kept. */
export class MigrationFailedError extends MigrationError {
  constructor(migration: string, message: string, cause: unknown) {
    super('migration-failed', message, { cause, migration })
  }
}

/** `run` refuses to start: migrations are pending, drifted or unfinished. */
export class MigrationsNotCurrentError extends MigrationError {
  readonly problems: readonly string[]
  constructor(problems: readonly string[], fix: string) {
    super(
      'migrations-not-current',
      `the warehouse schema is not current:\n${problems.map((p) => `  - ${p}`).join('\n')}\n${fix}`,
    )
    this.problems = problems
  }
}

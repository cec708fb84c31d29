/** Versioned schema migrations: discovery, ledger, lease lock, plan, apply and verify. */
export { defineMigration } from './migration.js'
export type { ColumnDefault, Migration, MigrationContext, MigrationSql, SqlByEngine } from './migration.js'
export {
  DEFAULT_STATE_DATASET,
  MIGRATE_UP_COMMAND,
  MIGRATION_LOCK_NAME,
  applyMigrations,
  ensureMigrationsCurrent,
  migrationStatus,
  planMigrations,
} from './migrator.js'
export type {
  ApplyOptions,
  ApplyResult,
  MigrateOptions,
  MigrationPlan,
  MigrationStatusReport,
  PlannedMigration,
} from './migrator.js'
export type { AppliedMigration } from './apply.js'
export { compareContract, verifyMigrations } from './verify.js'
export type { TableContract, TableVerification, VerifyReport } from './verify.js'
export type { MigrationState, MigrationStatusEntry } from './status.js'
export type { MigrationStatement } from './migration-context.js'
export { discoverMigrations } from './discover.js'
export type { MigrationFile } from './discover.js'
export { LeaseLock } from './lease-lock.js'
export type { LeaseHolder, LeaseOptions } from './lease-lock.js'
export { loadContracts, resolveStateDataset } from './project-files.js'
export {
  MigrationDefinitionError,
  MigrationDriftError,
  MigrationError,
  MigrationFailedError,
  MigrationLockError,
  MigrationOrderError,
  MigrationsNotCurrentError,
} from './migration-errors.js'

import { ConfigError } from '../core/errors.js'
import type { Adapter } from '../engines/adapter.js'
import type { Dialect, EngineId } from '../engines/dialect.js'
import { resolveBuildCommitSha } from '../build/build-info.js'
import { applyMigration } from './apply.js'
import type { AppliedMigration } from './apply.js'
import { discoverMigrations, loadMigration, pad } from './discover.js'
import type { MigrationFile } from './discover.js'
import { LeaseLock, leaseStatements, retryConflicts } from './lease-lock.js'
import type { LeaseOptions } from './lease-lock.js'
import { Ledger } from './ledger.js'
import { recordStatements } from './migration-context.js'
import type { MigrationStatement } from './migration-context.js'
import {
  MigrationDefinitionError,
  MigrationDriftError,
  MigrationLockError,
  MigrationsNotCurrentError,
} from './migration-errors.js'
import { blockingEntries, compareWithLedger, outOfOrder } from './status.js'
import type { MigrationStatusEntry } from './status.js'

export const DEFAULT_STATE_DATASET = 'pipeline_state'
export const MIGRATION_LOCK_NAME = 'schema_migrations'
export const MIGRATE_UP_COMMAND = 'npm run pipeline -- migrate up'

/** Where the project and the ledger are. */
export interface MigrateOptions {
  /** Project root holding migrations/. */
  readonly root: string
  /** Dataset of the pipeline_state tables. Default 'pipeline_state'. */
  readonly stateDataset?: string
}

export interface ApplyOptions extends MigrateOptions {
  /** Apply up to and including this number; default: all. */
  readonly to?: number
  /** Stamped on each ledger row; default resolveBuildCommitSha(root). */
  readonly buildCommitSha?: string
  /** Lease settings (owner, ttlMs, waitMs, pollMs, now); the name is fixed. */
  readonly lock?: Omit<LeaseOptions, 'name'>
  /** Called before and after each migration (progress on stderr). */
  readonly onEvent?: (event: {
    type: 'applying' | 'applied'
    version: number
    name: string
    durationMs?: number
  }) => void
}

export interface MigrationStatusReport {
  /** True when every migration is applied and none drifted. */
  readonly current: boolean
  readonly entries: readonly MigrationStatusEntry[]
}

export interface PlannedMigration {
  readonly version: number
  readonly name: string
  readonly file: string
  readonly description: string
  readonly checksum: string
  readonly statements: readonly MigrationStatement[]
}

export interface MigrationPlan {
  readonly engine: EngineId
  /** False when planned from a dialect alone: every migration is listed, the ledger was not read. */
  readonly usedLedger: boolean
  readonly migrations: readonly PlannedMigration[]
}

export interface ApplyResult {
  readonly applied: readonly AppliedMigration[]
  /** Migrations that were applied before this call. */
  readonly alreadyApplied: number
  /** Migrations on disk after `to`, left pending. */
  readonly remaining: number
}

function stateDataset(options: MigrateOptions): string {
  return options.stateDataset ?? DEFAULT_STATE_DATASET
}

/** Applied, pending, drifted, missing and unfinished migrations; reads only (a fresh warehouse has everything pending). */
export async function migrationStatus(adapter: Adapter, options: MigrateOptions): Promise<MigrationStatusReport> {
  const files = await discoverMigrations(options.root)
  const entries = compareWithLedger(
    files,
    await new Ledger(adapter, stateDataset(options)).read(),
    stateDataset(options),
  )
  return { current: blockingEntries(entries).length === 0, entries }
}

/** `--to N` must name a migration on disk (bad usage otherwise, before anything is opened or applied). */
export function refuseUnknownTarget(files: readonly MigrationFile[], to: number | undefined): void {
  if (to === undefined || files.some((f) => f.version === to)) return
  throw new ConfigError(
    `--to ${to}: there is no migration ${pad(to)}; the last one is ${files.length ? files[files.length - 1]?.name : 'none'}`,
  )
}

/** The SQL each pending migration will run, without applying; from a dialect alone (offline), every migration. */
export async function planMigrations(
  engine: Adapter | Dialect,
  options: MigrateOptions & { to?: number },
): Promise<MigrationPlan> {
  const files = await discoverMigrations(options.root)
  refuseUnknownTarget(files, options.to)
  const isAdapter = 'query' in engine
  const dialect = isAdapter ? engine.dialect : engine
  let selected: readonly MigrationFile[] = files
  if (isAdapter) {
    const entries = compareWithLedger(
      files,
      await new Ledger(engine, stateDataset(options)).read(),
      stateDataset(options),
    )
    const pending = new Set(entries.filter((e) => e.state === 'pending').map((e) => e.version))
    selected = files.filter((f) => pending.has(f.version))
  }
  selected = selected.filter((f) => options.to === undefined || f.version <= options.to)
  const migrations: PlannedMigration[] = []
  for (const file of selected) {
    const { description, statements } = await declare(file, dialect)
    migrations.push({
      version: file.version,
      name: file.name,
      file: file.file,
      description,
      checksum: file.checksum,
      statements,
    })
  }
  return { engine: dialect.engine, usedLedger: isAdapter, migrations }
}

async function declare(
  file: MigrationFile,
  dialect: Dialect,
): Promise<{ description: string; statements: MigrationStatement[] }> {
  const migration = await loadMigration(file)
  try {
    return { description: migration.description, statements: await recordStatements(dialect, migration.up) }
  } catch (error) {
    throw new MigrationDefinitionError(
      file.file,
      `up() failed while declaring statements: ${(error as Error).message}`,
      error,
    )
  }
}

/**
 * Apply pending migrations in order under the migration lease. Refuses, before applying anything,
 * when an applied migration drifted, vanished or did not finish.
 */
export async function applyMigrations(adapter: Adapter, options: ApplyOptions): Promise<ApplyResult> {
  const files = await discoverMigrations(options.root)
  refuseUnknownTarget(files, options.to)
  const dataset = stateDataset(options)
  await prepareStateTables(adapter, dataset)
  const lock = new LeaseLock(adapter, dataset, { ...options.lock, name: MIGRATION_LOCK_NAME })
  const holder = await lock.acquire()
  if (holder) {
    throw new MigrationLockError(
      `another migrator holds the migration lock: "${holder.owner}" until ${holder.expiresAt || 'unknown'} (${dataset}.locks, name "${MIGRATION_LOCK_NAME}"); wait for it to finish and run "pipeline migrate up" again, or if that process is gone, wait for the lease to expire`,
      holder.owner,
      holder.expiresAt || null,
    )
  }
  let result: ApplyResult
  try {
    result = await applyUnderLock(adapter, files, { ...options, stateDataset: dataset }, lock)
  } catch (error) {
    // Report the migration's error, not a failure to give the lease back (it expires anyway).
    await lock.release().catch(() => undefined)
    throw error
  }
  await lock.release()
  return result
}

async function prepareStateTables(adapter: Adapter, dataset: string): Promise<void> {
  const { dialect } = adapter
  await retryConflicts(() => adapter.execute(dialect.createSchema(dataset)))
  await retryConflicts(() => adapter.execute(leaseStatements(dialect, dataset).createTable))
  await retryConflicts(() => adapter.execute(new Ledger(adapter, dataset).createTableSql()))
}

async function applyUnderLock(
  adapter: Adapter,
  files: readonly MigrationFile[],
  options: ApplyOptions & { stateDataset: string },
  lock: LeaseLock,
): Promise<ApplyResult> {
  const ledger = new Ledger(adapter, options.stateDataset)
  const entries = compareWithLedger(files, await ledger.read(), options.stateDataset)
  const problems = [
    ...entries.filter((e) => e.state !== 'applied' && e.state !== 'pending').map((e) => e.problem ?? e.file),
    ...outOfOrder(entries),
  ]
  if (problems.length) throw new MigrationDriftError(problems)
  const pending = new Set(entries.filter((e) => e.state === 'pending').map((e) => e.version))
  const toApply = files.filter((f) => pending.has(f.version) && (options.to === undefined || f.version <= options.to))
  // Asking git costs two processes: only when a migration is stamped.
  const buildCommitSha = toApply.length ? (options.buildCommitSha ?? resolveBuildCommitSha(options.root)) : ''
  const applied: AppliedMigration[] = []
  for (const file of toApply) {
    const { statements } = await declare(file, adapter.dialect)
    if (!(await lock.renew()))
      throw new MigrationLockError(
        `the migration lease was lost before ${file.file} (it expired and was taken over); run "pipeline migrate status" and try again`,
        'unknown',
        null,
      )
    options.onEvent?.({ type: 'applying', version: file.version, name: file.name })
    const stamp = { buildCommitSha, owner: lock.owner, startedAt: new Date().toISOString() }
    const result = await applyMigration({ adapter, ledger, file, statements, stamp })
    options.onEvent?.({ type: 'applied', version: file.version, name: file.name, durationMs: result.durationMs })
    applied.push(result)
  }
  return {
    applied,
    alreadyApplied: entries.filter((e) => e.state === 'applied').length,
    remaining: pending.size - applied.length,
  }
}

/** Throw (exit 1) when any migration is pending, drifted, missing or unfinished, naming each and the command to fix it. */
export async function ensureMigrationsCurrent(adapter: Adapter, options: MigrateOptions): Promise<void> {
  const { entries } = await migrationStatus(adapter, options)
  const blocking = blockingEntries(entries)
  if (blocking.length === 0) return
  const problems = blocking.map((e) =>
    e.state === 'pending' ? `pending: ${e.file}` : `${e.state}: ${e.problem ?? e.file}`,
  )
  const onlyPending = blocking.every((e) => e.state === 'pending')
  const fix = onlyPending
    ? `Apply them with: ${MIGRATE_UP_COMMAND}`
    : `Resolve the drifted or unfinished migrations first (see "npm run pipeline -- migrate status"), then run: ${MIGRATE_UP_COMMAND}`
  throw new MigrationsNotCurrentError(problems, fix)
}

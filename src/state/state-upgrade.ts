import { sql } from 'kysely'
import { StateError } from '../core/errors.js'
import type { Adapter, Statement } from '../engines/adapter.js'
import type { Dialect } from '../engines/dialect.js'
import { createQueryBuilder, TypedValues } from './query-builder.js'
import type { StateDatabase } from './state-schema.js'
import { LATEST_STATE_VERSION, STATE_MIGRATIONS, stateMigrationDdl } from './state-migrations.js'
import type { StateMigration } from './state-migrations.js'
import { STATE_VERSION_SPEC, STATE_VERSION_TABLE } from './state-tables.js'

/** The state version a warehouse records, and whether it holds tables from before state versioning. */
export interface StateVersionFound {
  /** Highest version recorded; 0 when nothing is recorded. */
  readonly version: number
  /** No version is recorded but the runs table exists: a warehouse made by a build before state versioning. */
  readonly legacy: boolean
  /** Whether the state_version table exists. */
  readonly hasVersionTable: boolean
}

/** What `upgradeStateSchema` did. */
export interface StateUpgradeResult {
  readonly from: number
  readonly to: number
  /** Versions applied (or adopted) by this call, in order; empty when the schema was current. */
  readonly applied: readonly number[]
}

export interface StateUpgradeOptions {
  /** Commit of the build applying the upgrade, recorded with each version; null when unknown. */
  readonly buildCommitSha?: string | null
  /** The version as the caller already read it; read again when omitted. */
  readonly found?: StateVersionFound
}

/** One state migration as statements: its DDL, then the row recording it. */
export interface StateUpgradeStep {
  readonly migration: StateMigration
  readonly statements: readonly Statement[]
}

/**
 * Read the recorded state version: two existence questions (answered from the run's catalogue when the
 * adapter is a Catalog's) and one small query when the version table exists.
 */
export async function readStateVersion(adapter: Adapter, dataset: string): Promise<StateVersionFound> {
  if (!(await adapter.tableExists({ dataset, name: STATE_VERSION_TABLE }))) {
    return { version: 0, legacy: await adapter.tableExists({ dataset, name: 'runs' }), hasVersionTable: false }
  }
  const { db, statement } = createQueryBuilder<StateDatabase>(adapter.dialect)
  const query = db
    .withSchema(dataset)
    .selectFrom('state_version')
    .select((eb) => eb.fn.max('version').as('version'))
  const found = statement(query, 'state version')
  const rows = await adapter.query<{ version: number | null }>(found.sql, found)
  return { version: Number(rows[0]?.version ?? 0), legacy: false, hasVersionTable: true }
}

/**
 * The statements that bring a warehouse from `found` to the latest state version, one step per
 * migration. A legacy warehouse (tables, no version) has version 1 recorded as adopted: its
 * CREATE TABLE IF NOT EXISTS statements keep every existing table and row, and only create a
 * table that is missing. Pure: the same list prints, tests and runs.
 */
export function stateUpgradePlan(
  dialect: Dialect,
  dataset: string,
  found: StateVersionFound,
  options: StateUpgradeOptions = {},
): StateUpgradeStep[] {
  const pending = STATE_MIGRATIONS.filter((m) => m.version > found.version)
  const versionTable = found.hasVersionTable
    ? []
    : [{ sql: dialect.createTable({ dataset, name: STATE_VERSION_TABLE }, STATE_VERSION_SPEC.columns) }]
  return pending.map((migration, index) => ({
    migration,
    statements: [
      ...(index === 0 ? versionTable : []),
      ...stateMigrationDdl(dialect, dataset, migration).map((text) => ({
        sql: text,
        label: `state v${migration.version}`,
      })),
      recordVersionStatement(dialect, dataset, migration, {
        adopted: found.legacy && migration.version === 1,
        buildCommitSha: options.buildCommitSha ?? null,
      }),
    ],
  }))
}

/** Insert the version row unless a concurrent upgrade recorded it first. */
function recordVersionStatement(
  dialect: Dialect,
  dataset: string,
  migration: StateMigration,
  record: { adopted: boolean; buildCommitSha: string | null },
): Statement {
  const { db, statement } = createQueryBuilder<StateDatabase>(dialect, { parameterPrefix: 'v' })
  const v = new TypedValues(dialect)
  const state = db.withSchema(dataset)
  const seed = db.selectNoFrom(sql.lit(1).as('one')).as('seed')
  const query = state
    .insertInto('state_version')
    .columns(['version', 'description', 'adopted', 'applied_at', 'build_commit_sha'])
    .expression((eb) =>
      eb
        .selectFrom(seed)
        .select([
          v.plain(migration.version).as('version'),
          v.plain(migration.description).as('description'),
          v.plain(record.adopted).as('adopted'),
          v.now().as('applied_at'),
          v.plain(record.buildCommitSha).as('build_commit_sha'),
        ])
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(selectFrom('state_version').select(sql.lit(1).as('one')).where('version', '=', migration.version)),
          ),
        ),
    )
  return statement(query, `state v${migration.version}`)
}

/**
 * Apply the pending state migrations in order. Each migration and its version row commit together
 * where DDL is transactional (DuckDB); elsewhere (BigQuery) its idempotent steps run one by one and
 * the version row comes last, so a crash in between repeats harmless steps on the next run.
 */
export async function upgradeStateSchema(
  adapter: Adapter,
  dataset: string,
  options: StateUpgradeOptions = {},
): Promise<StateUpgradeResult> {
  const found = options.found ?? (await readStateVersion(adapter, dataset))
  if (found.version >= LATEST_STATE_VERSION) return { from: found.version, to: found.version, applied: [] }
  const applied: number[] = []
  for (const step of stateUpgradePlan(adapter.dialect, dataset, found, options)) {
    try {
      if (adapter.dialect.capabilities.supportsTransactionalDdl) await adapter.transaction(step.statements)
      else for (const statement of step.statements) await adapter.execute(statement.sql, statement)
    } catch (error) {
      const { version, description } = step.migration
      throw new StateError(
        `State schema upgrade to version ${version} (${description}) failed in dataset "${dataset}": ${error instanceof Error ? error.message : String(error)}\nEvery step is idempotent: fix the cause (permissions, quota) and run the command again`,
        { cause: error, code: 'state-upgrade-failed' },
      )
    }
    applied.push(step.migration.version)
  }
  return { from: found.version, to: LATEST_STATE_VERSION, applied }
}

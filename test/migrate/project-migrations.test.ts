import { readFile } from 'node:fs/promises'
import { parse } from 'sql-parser-cst'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import type { Dialect } from '../../src/engines/dialect.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import type { MigrationStatement } from '../../src/migrate/migration-context.js'
import { discoverMigrations } from '../../src/migrate/discover.js'
import { MigrationsNotCurrentError } from '../../src/migrate/migration-errors.js'
import {
  applyMigrations,
  ensureMigrationsCurrent,
  migrationStatus,
  planMigrations,
} from '../../src/migrate/migrator.js'
import { verifyMigrations } from '../../src/migrate/verify.js'
import { PERSISTENT_TABLES } from '../../includes/contracts.js'
import { REPO_ROOT, openMemory } from './support.js'

const options = { root: REPO_ROOT, stateDataset: 'pipeline_state', buildCommitSha: 'test-sha' }

describe('the project migrations', () => {
  let adapter: DuckDbAdapter
  beforeEach(async () => {
    adapter = await openMemory()
  })
  afterEach(async () => {
    await adapter.close()
  })

  it('are numbered 0001.. without gaps, and none imports includes/', async () => {
    const files = await discoverMigrations(REPO_ROOT)
    expect(files.map((f) => f.version)).toEqual(files.map((_, i) => i + 1))
    expect(files.length).toBeGreaterThanOrEqual(3)
    for (const file of files) expect(await readFile(file.path, 'utf8')).not.toMatch(/from\s+['"][^'"]*includes\//)
  })

  it('apply one by one to a fresh DuckDB, each recorded in the ledger', async () => {
    const files = await discoverMigrations(REPO_ROOT)
    for (const file of files) {
      const result = await applyMigrations(adapter, { ...options, to: file.version })
      expect(result.applied.map((m) => m.version)).toEqual([file.version])
    }
    const rows = await adapter.query(
      'SELECT version, name, checksum, status, build_commit_sha, applied_at, duration_ms FROM pipeline_state.schema_migrations ORDER BY version',
    )
    expect(rows).toEqual(
      files.map((f) =>
        expect.objectContaining({
          version: f.version,
          name: f.name,
          checksum: f.checksum,
          status: 'applied',
          build_commit_sha: 'test-sha',
          applied_at: expect.any(String),
          duration_ms: expect.any(Number),
        }),
      ),
    )
  })

  it('applying twice is a no-op', async () => {
    const first = await applyMigrations(adapter, options)
    expect(first.applied.length).toBeGreaterThanOrEqual(3)
    const before = await adapter.query('SELECT * FROM pipeline_state.schema_migrations ORDER BY version')
    const second = await applyMigrations(adapter, options)
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length, remaining: 0 })
    expect(await adapter.query('SELECT * FROM pipeline_state.schema_migrations ORDER BY version')).toEqual(before)
    expect((await migrationStatus(adapter, options)).current).toBe(true)
  })

  it('leaves every persistent table exactly as its contract says (names, types, order; NOT NULL only where the DDL sets it)', async () => {
    await applyMigrations(adapter, options)
    expect(PERSISTENT_TABLES.map((t) => t.target.name).sort()).toEqual([
      'ml_feature_store_v2',
      'player_prop_predictions',
      'prediction_accuracy',
      'prediction_execution_log',
    ])
    for (const contract of PERSISTENT_TABLES) {
      const live = await adapter.describeTable(contract.target)
      expect(live, contract.target.name).not.toBeNull()
      const normalize = (type: string) => type.replace(/\s+/g, '').replace('BOOLEAN', 'BOOL')
      expect(
        live?.map((c) => `${c.name} ${normalize(c.type)}`),
        contract.target.name,
      ).toEqual(contract.columns.map((c) => `${c.name} ${normalize(c.type)}`))
      for (const column of live ?? []) {
        if (!column.nullable)
          expect(
            contract.columns.find((c) => c.name === column.name)?.nullable,
            `${contract.target.name}.${column.name}`,
          ).toBe(false)
      }
    }
    const report = await verifyMigrations(adapter, { ...options, contracts: PERSISTENT_TABLES })
    expect(report.tables.flatMap((t) => t.problems)).toEqual([])
    expect(report.ok).toBe(true)
  })

  it('verify reports a missing, an extra and a mistyped column', async () => {
    await applyMigrations(adapter, options)
    await adapter.execute('ALTER TABLE nba_predictions.prediction_execution_log DROP COLUMN run_id')
    await adapter.execute('ALTER TABLE nba_predictions.prediction_execution_log ADD COLUMN surprise VARCHAR')
    await adapter.execute('ALTER TABLE nba_predictions.prediction_execution_log ALTER COLUMN error_count TYPE DOUBLE')
    const report = await verifyMigrations(adapter, { ...options, contracts: PERSISTENT_TABLES })
    expect(report.ok).toBe(false)
    const log = report.tables.find((t) => t.target.name === 'prediction_execution_log')
    expect(log?.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('missing column "run_id"'),
        expect.stringContaining('extra column "surprise"'),
        expect.stringContaining('column "error_count" is FLOAT64, contract says INT64'),
      ]),
    )
  })

  it('ensureMigrationsCurrent names pending migrations and the command to apply them', async () => {
    await applyMigrations(adapter, { ...options, to: 1 })
    const error = await ensureMigrationsCurrent(adapter, options).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationsNotCurrentError)
    expect((error as MigrationsNotCurrentError).code).toBe('migrations-not-current')
    expect((error as Error).message).toContain('pending: migrations/0002-')
    expect((error as Error).message).toContain('npm run pipeline -- migrate up')
    await applyMigrations(adapter, options)
    await expect(ensureMigrationsCurrent(adapter, options)).resolves.toBeUndefined()
  })

  it('plan for BigQuery parses with the BigQuery grammar and carries the table layout', async () => {
    const plan = await planMigrations(createBigQueryDialect({ project: 'my-proj' }), options)
    const statements = plan.migrations.flatMap((m) => m.statements.map((s) => s.sql))
    for (const sql of statements) expect(() => parse(sql, { dialect: 'bigquery' }), sql).not.toThrow()
    const creates = statements.filter((s) => s.startsWith('CREATE TABLE'))
    expect(creates).toHaveLength(4)
    for (const sql of creates) {
      expect(sql).toMatch(/\nPARTITION BY /)
      expect(sql).toMatch(/\nCLUSTER BY /)
      expect(sql).toContain('require_partition_filter = TRUE')
    }
    expect(statements.join('\n')).toContain('PARTITION BY DATE(`execution_start_timestamp`)')
    expect(statements.join('\n')).toContain('CLUSTER BY `system_id`, `player_lookup`, `confidence_score`, `game_date`')
  })

  it("adds a table's columns in one ALTER on BigQuery (one metadata update, not 12) and one per column on DuckDB", async () => {
    const tracking = async (dialect: Dialect) =>
      (await planMigrations(dialect, options)).migrations.find((m) => m.version === 2)!.statements
    const bigquery = await tracking(createBigQueryDialect({ project: 'my-proj' }))
    const duckdb = await tracking(duckDbDialect)
    const adds = (list: readonly MigrationStatement[]) => list.filter((s) => /ADD COLUMN/.test(s.sql))
    const columnsAdded = (list: readonly MigrationStatement[]) =>
      adds(list).reduce((n, s) => n + (s.sql.match(/ADD COLUMN/g) ?? []).length, 0)
    expect(columnsAdded(duckdb)).toBe(24)
    expect(columnsAdded(bigquery)).toBe(24)
    expect(adds(duckdb)).toHaveLength(24)
    const perTable = adds(bigquery).map((s) => /^ALTER TABLE `my-proj\.nba_predictions\.(\w+)`/.exec(s.sql)?.[1])
    expect(perTable).toEqual(['ml_feature_store_v2', 'player_prop_predictions', 'prediction_accuracy'])
    expect(adds(bigquery)[1]?.label).toMatch(
      /^add columns nba_predictions\.player_prop_predictions\.\{build_commit_sha, .*superseded_metadata\}$/,
    )
    // the order of operations is kept: a table's defaults follow its columns
    expect(bigquery.map((s) => s.label.split(' ').slice(0, 2).join(' '))).toEqual([
      'add columns',
      'add columns',
      'set default',
      'set default',
      'add columns',
      'set default',
    ])
    for (const statement of bigquery)
      expect(() => parse(statement.sql, { dialect: 'bigquery' }), statement.sql).not.toThrow()
  })
})

import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { StateError } from '../../src/core/errors.js'
import type { Adapter } from '../../src/engines/adapter.js'
import { createBigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import { StateStore } from '../../src/state/state-store.js'
import { LATEST_STATE_VERSION, STATE_MIGRATIONS, stateMigrationDdl } from '../../src/state/state-migrations.js'
import { readStateVersion, stateUpgradePlan, upgradeStateSchema } from '../../src/state/state-upgrade.js'
import { parseBigQuery } from '../support/bigquery-parse.js'
import { compileFixture, testRun } from '../support/fixtures.js'
import { runPipeline } from '../../src/runner/run.js'
import { delegate, withoutTransactionalDdl } from '../migrate/support.js'

const DATASET = 'pipeline_state'
/** The DDL the StateStore of builds before state versioning ran on ensure() (frozen copy). */
const LEGACY_DDL = readFileSync(new URL('./fixtures/state-v1-duckdb.sql', import.meta.url), 'utf8')

const adapters: DuckDbAdapter[] = []
afterEach(async () => {
  for (const adapter of adapters.splice(0)) await adapter.close()
})

async function openMemory(): Promise<DuckDbAdapter> {
  const adapter = await DuckDbAdapter.open({ path: ':memory:' })
  adapters.push(adapter)
  return adapter
}

/** A warehouse as today's code leaves it: the five tables, no version record, a run and two intervals. */
async function legacyWarehouse(): Promise<DuckDbAdapter> {
  const adapter = await openMemory()
  await adapter.execute(`CREATE SCHEMA IF NOT EXISTS "${DATASET}"`)
  for (const statement of LEGACY_DDL.split(';').filter((s) => s.trim())) await adapter.execute(statement)
  await adapter.execute(`INSERT INTO pipeline_state.runs (run_id, command, mode, status, started_at, finished_at,
      build_commit_sha, deployment_revision, engine, skip_assertions, actions_succeeded)
    VALUES ('run-old', 'run', 'daily', 'succeeded', TIMESTAMP '2026-01-09 06:00:00', TIMESTAMP '2026-01-09 06:05:00',
      'sha-old', 'rev-1', 'duckdb', false, 12)`)
  await adapter.execute(`INSERT INTO pipeline_state.intervals VALUES
    ('orders_daily', DATE '2026-01-08', DATE '2026-01-09', 'run-old', 'sha-old', 'daily', 40, TIMESTAMP '2026-01-09 06:01:00'),
    ('orders_daily', DATE '2026-01-09', DATE '2026-01-10', 'run-old', 'sha-old', 'daily', 41, TIMESTAMP '2026-01-09 06:02:00')`)
  return adapter
}

async function columns(adapter: Adapter, name: string): Promise<string[]> {
  return ((await adapter.describeTable({ dataset: DATASET, name })) ?? []).map((c) => c.name)
}

async function versions(adapter: Adapter): Promise<{ version: number; adopted: boolean; build_commit_sha: string }[]> {
  return adapter.query(
    'SELECT version, adopted, build_commit_sha FROM pipeline_state.state_version ORDER BY version, applied_at',
  )
}

/** The adapter, recording every statement sent to it. */
function recording(adapter: Adapter): { adapter: Adapter; sent: string[] } {
  const sent: string[] = []
  return {
    sent,
    adapter: delegate(adapter, {
      execute: (sql, options) => (sent.push(sql), adapter.execute(sql, options)),
      transaction: (statements) => (sent.push(...statements.map((s) => s.sql)), adapter.transaction(statements)),
    }),
  }
}

describe('version 1 of the state schema', () => {
  it('is exactly the DDL that builds before state versioning ran', () => {
    const [v1] = STATE_MIGRATIONS
    expect(v1?.version).toBe(1)
    const rendered = stateMigrationDdl(duckDbDialect, DATASET, v1!)
    expect(`${rendered.join(';\n\n')};\n`).toBe(LEGACY_DDL)
  })

  it('numbers the migrations 1, 2, … without gaps and adds only nullable columns after 1', () => {
    expect(STATE_MIGRATIONS.map((m) => m.version)).toEqual(STATE_MIGRATIONS.map((_, i) => i + 1))
    expect(LATEST_STATE_VERSION).toBe(STATE_MIGRATIONS.length)
    const added = STATE_MIGRATIONS.slice(1).flatMap((m) =>
      m.steps.flatMap((s) => (s.kind === 'add-columns' ? s.columns : [])),
    )
    expect(added.length).toBeGreaterThan(0)
    expect(added.filter((c) => c.nullable === false)).toEqual([])
  })
})

describe('upgrading a warehouse created before state versioning', () => {
  it('keeps the rows, adds the new columns and records the latest version, v1 as adopted', async () => {
    const adapter = await legacyWarehouse()
    const result = await new StateStore(adapter, DATASET).ensure({ buildCommitSha: 'sha-new' })
    expect(result).toEqual({ from: 0, to: LATEST_STATE_VERSION, applied: [1, 2, 3, 4] })

    const runs = await adapter.query('SELECT run_id, status, actions_succeeded, pid, host FROM pipeline_state.runs')
    expect(runs).toEqual([{ run_id: 'run-old', status: 'succeeded', actions_succeeded: 12, pid: null, host: null }])
    const intervals = await adapter.query(
      'SELECT interval_start, rows_written, verified FROM pipeline_state.intervals ORDER BY interval_start',
    )
    expect(intervals).toEqual([
      { interval_start: '2026-01-08', rows_written: 40, verified: null },
      { interval_start: '2026-01-09', rows_written: 41, verified: null },
    ])
    expect(await columns(adapter, 'intervals')).toContain('verified')
    expect((await columns(adapter, 'runs')).slice(-2)).toEqual(['pid', 'host'])
    expect(await versions(adapter)).toEqual([
      { version: 1, adopted: true, build_commit_sha: 'sha-new' },
      { version: 2, adopted: false, build_commit_sha: 'sha-new' },
      { version: 3, adopted: false, build_commit_sha: 'sha-new' },
      { version: 4, adopted: false, build_commit_sha: 'sha-new' },
    ])
    expect(await readStateVersion(adapter, DATASET)).toEqual({
      version: LATEST_STATE_VERSION,
      legacy: false,
      hasVersionTable: true,
    })
  })

  it('changes nothing on a second ensure: no DDL (not even CREATE SCHEMA), no version row', async () => {
    const adapter = await legacyWarehouse()
    await new StateStore(adapter, DATASET).ensure()
    const { adapter: watched, sent } = recording(adapter)
    const again = await new StateStore(watched, DATASET).ensure()
    expect(again).toEqual({ from: LATEST_STATE_VERSION, to: LATEST_STATE_VERSION, applied: [] })
    expect(sent).toEqual([])
    expect((await versions(adapter)).map((v) => v.version)).toEqual([1, 2, 3, 4])
  })

  it('applies only the versions a warehouse lacks', async () => {
    const adapter = await openMemory()
    await adapter.execute(duckDbDialect.createSchema(DATASET))
    const [v1] = stateUpgradePlan(duckDbDialect, DATASET, { version: 0, legacy: false, hasVersionTable: false })
    await adapter.transaction(v1!.statements)
    expect(await columns(adapter, 'intervals')).not.toContain('verified')
    const { adapter: watched, sent } = recording(adapter)
    expect(await upgradeStateSchema(watched, DATASET)).toEqual({ from: 1, to: 4, applied: [2, 3, 4] })
    expect(sent.filter((s) => /^CREATE TABLE/.test(s))).toEqual([])
    expect(sent.filter((s) => /^ALTER TABLE/.test(s))).toHaveLength(6)
    expect(await versions(adapter)).toEqual([
      { version: 1, adopted: false, build_commit_sha: null },
      { version: 2, adopted: false, build_commit_sha: null },
      { version: 3, adopted: false, build_commit_sha: null },
      { version: 4, adopted: false, build_commit_sha: null },
    ])
  })

  it('upgrades step by step on an engine without transactional DDL (BigQuery behaviour)', async () => {
    const adapter = await legacyWarehouse()
    const result = await upgradeStateSchema(withoutTransactionalDdl(adapter), DATASET)
    expect(result.applied).toEqual([1, 2, 3, 4])
    expect(await columns(adapter, 'intervals')).toContain('verified')
    expect(await columns(adapter, 'intervals')).toContain('verified_by')
    expect(await columns(adapter, 'action_runs')).toContain('inputs_hash')
    expect(await adapter.query('SELECT count(*) AS n FROM pipeline_state.intervals')).toEqual([{ n: 2 }])
  })

  it('fails with a StateError naming the version, and records nothing of a failed version', async () => {
    const adapter = await legacyWarehouse()
    const failing = delegate(adapter, {
      transaction: (statements) =>
        statements.some((s) => /ADD COLUMN IF NOT EXISTS "pid"/.test(s.sql))
          ? adapter.transaction([...statements.slice(0, 1), { sql: 'ALTER TABLE nowhere.nothing ADD COLUMN x INT' }])
          : adapter.transaction(statements),
    })
    const error = await upgradeStateSchema(failing, DATASET).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateError)
    expect(error).toMatchObject({ code: 'state-upgrade-failed' })
    expect((error as Error).message).toMatch(/upgrade to version 2 .* failed in dataset "pipeline_state"/)
    expect((await versions(adapter)).map((v) => v.version)).toEqual([1])
    expect(await columns(adapter, 'intervals')).not.toContain('verified')
    expect((await upgradeStateSchema(adapter, DATASET)).applied).toEqual([2, 3, 4])
  })

  it('creates every table on a fresh warehouse and records version 1 as applied, not adopted', async () => {
    const adapter = await openMemory()
    await new StateStore(adapter, DATASET).ensure()
    expect((await versions(adapter)).map((v) => [v.version, v.adopted])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
    ])
    for (const table of ['runs', 'action_runs', 'intervals', 'assertion_results', 'locks'])
      expect(await adapter.tableExists({ dataset: DATASET, name: table })).toBe(true)
  })

  it('a run on such a warehouse upgrades its state tables, then plans around the intervals recorded before', async () => {
    const adapter = await legacyWarehouse()
    await adapter.execute(`CREATE SCHEMA raw;
      CREATE TABLE raw.raw_customers AS SELECT * FROM (VALUES (1, 'fr'), (2, 'us')) t(customer_id, country);
      CREATE TABLE raw.raw_orders AS SELECT CAST(d AS DATE) AS order_date, 1 AS customer_id, 10.0 AS amount
        FROM generate_series(DATE '2026-01-01', DATE '2026-01-09', INTERVAL 1 DAY) g(d)`)
    const result = await runPipeline({
      graph: await compileFixture('shop'),
      adapter,
      run: testRun(),
      today: '2026-01-20',
    })
    expect(result.ok).toBe(true)
    expect((await readStateVersion(adapter, DATASET)).version).toBe(LATEST_STATE_VERSION)
    // 2026-01-08 and 2026-01-09 were recorded by the build before state versioning: not built again.
    expect(result.actions.find((a) => a.name === 'orders_daily')?.intervals).toEqual([
      { start: '2026-01-01', end: '2026-01-03' },
      { start: '2026-01-03', end: '2026-01-05' },
      { start: '2026-01-05', end: '2026-01-07' },
      { start: '2026-01-07', end: '2026-01-08' },
    ])
    expect(await adapter.query(`SELECT count(*) AS n FROM pipeline_state.runs WHERE status = 'succeeded'`)).toEqual([
      { n: 2 },
    ])
  })
})

describe('the same upgrade for BigQuery', () => {
  const dialect = createBigQueryDialect({ project: 'my-project' })

  it('renders statements the BigQuery parser accepts, adding the version 2 columns', () => {
    const plan = stateUpgradePlan(
      dialect,
      DATASET,
      { version: 0, legacy: true, hasVersionTable: false },
      { buildCommitSha: 'abc' },
    )
    expect(plan.map((step) => step.migration.version)).toEqual([1, 2, 3, 4])
    const statements = plan.flatMap((step) => step.statements)
    for (const statement of statements) parseBigQuery(statement.sql)
    const alters = statements.filter((s) => s.sql.startsWith('ALTER TABLE')).map((s) => s.sql)
    expect(alters).toEqual([
      'ALTER TABLE `my-project.pipeline_state.intervals`\n  ADD COLUMN IF NOT EXISTS `verified` BOOL',
      'ALTER TABLE `my-project.pipeline_state.runs`\n  ADD COLUMN IF NOT EXISTS `pid` INT64,\n  ADD COLUMN IF NOT EXISTS `host` STRING',
      'ALTER TABLE `my-project.pipeline_state.intervals`\n  ADD COLUMN IF NOT EXISTS `verified_at` TIMESTAMP,\n  ADD COLUMN IF NOT EXISTS `verified_by` STRING',
      'ALTER TABLE `my-project.pipeline_state.action_runs`\n  ADD COLUMN IF NOT EXISTS `inputs_hash` STRING',
    ])
    const records = statements.filter((s) => s.sql.includes('state_version') && s.sql.startsWith('insert'))
    expect(records.map((s) => s.params)).toEqual([
      expect.objectContaining({ v1: 1, v3: true, v4: 'abc' }),
      expect.objectContaining({ v1: 2, v3: false, v4: 'abc' }),
      expect.objectContaining({ v1: 3, v3: false, v4: 'abc' }),
      expect.objectContaining({ v1: 4, v3: false, v4: 'abc' }),
    ])
  })
})

import { parse } from 'sql-parser-cst'
import { afterEach, describe, expect, it } from 'vitest'
import type { Adapter } from '../../src/engines/adapter.js'
import { createBigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { LeaseLock, leaseStatements } from '../../src/migrate/lease-lock.js'
import { Ledger } from '../../src/migrate/ledger.js'
import { MigrationLockError } from '../../src/migrate/migration-errors.js'
import { applyMigrations } from '../../src/migrate/migrator.js'
import { copyFixture, delegate, openMemory } from './support.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function setup(): Promise<{ root: string; adapter: DuckDbAdapter }> {
  const { root, cleanup } = await copyFixture('migrations-basic')
  const adapter = await openMemory()
  cleanups.push(async () => {
    await adapter.close()
    await cleanup()
  })
  return { root, adapter }
}

/** The shared adapter, with each migration's transaction slowed down so the lease is held for a while. */
function slow(adapter: Adapter, ms: number): Adapter {
  return delegate(adapter, {
    transaction: async (statements) => {
      await new Promise((resolve) => setTimeout(resolve, ms))
      return adapter.transaction(statements)
    },
  })
}

async function createLocks(adapter: Adapter): Promise<void> {
  await adapter.execute(adapter.dialect.createSchema('pipeline_state'))
  await adapter.execute(leaseStatements(adapter.dialect, 'pipeline_state').createTable)
}

async function insertLease(adapter: Adapter, owner: string, expiresAt: Date): Promise<void> {
  await adapter.execute(
    `INSERT INTO pipeline_state.locks VALUES ('schema_migrations', $owner, CAST($now AS TIMESTAMP), CAST($expires AS TIMESTAMP))`,
    {
      params: { owner, now: new Date(expiresAt.getTime() - 60_000).toISOString(), expires: expiresAt.toISOString() },
    },
  )
}

async function ledgerVersions(adapter: Adapter): Promise<number[]> {
  return (await new Ledger(adapter, 'pipeline_state').read()).map((r) => r.version)
}

describe('the migration lease', () => {
  it('two concurrent migrators on one warehouse: exactly one applies, the other reports the holder', async () => {
    const { root, adapter } = await setup()
    const run = (owner: string) =>
      applyMigrations(slow(adapter, 300), { root, lock: { owner, waitMs: 100, pollMs: 20 } })
    const results = await Promise.allSettled([run('migrator-a'), run('migrator-b')])
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect(won[0]?.status === 'fulfilled' && won[0].value.applied.map((m) => m.version)).toEqual([1, 2])
    const winner = results[0]?.status === 'fulfilled' ? 'migrator-a' : 'migrator-b'
    expect(lost[0]?.reason).toBeInstanceOf(MigrationLockError)
    expect((lost[0]?.reason as MigrationLockError).holder).toBe(winner)
    expect((lost[0]?.reason as Error).message).toContain(`another migrator holds the migration lock: "${winner}"`)
    expect(await ledgerVersions(adapter)).toEqual([1, 2])
  })

  it('many concurrent migrators that may wait: each migration is applied exactly once', async () => {
    const { root, adapter } = await setup()
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        applyMigrations(adapter, { root, lock: { owner: `m${i}`, waitMs: 20_000, pollMs: 10 } }),
      ),
    )
    expect(results.flatMap((r) => r.applied.map((m) => m.version)).sort()).toEqual([1, 2])
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1)
    expect(await ledgerVersions(adapter)).toEqual([1, 2])
  })

  it('an unexpired lease of another owner makes migrate wait briefly, then fail naming the owner', async () => {
    const { root, adapter } = await setup()
    await createLocks(adapter)
    const expires = new Date(Date.now() + 10 * 60_000)
    await insertLease(adapter, 'other-host:4242:cafe', expires)
    const started = Date.now()
    const error = await applyMigrations(adapter, { root, lock: { waitMs: 300, pollMs: 50 } }).catch((e: unknown) => e)
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(error).toBeInstanceOf(MigrationLockError)
    expect((error as MigrationLockError).code).toBe('migration-locked')
    expect((error as Error).message).toContain('"other-host:4242:cafe"')
    expect((error as Error).message).toContain(expires.toISOString())
    expect(await ledgerVersions(adapter)).toEqual([])
  })

  it('takes over an expired lease', async () => {
    const { root, adapter } = await setup()
    await createLocks(adapter)
    await insertLease(adapter, 'crashed-host:1:dead', new Date(Date.now() - 1000))
    const result = await applyMigrations(adapter, { root, lock: { owner: 'me', waitMs: 0 } })
    expect(result.applied).toHaveLength(2)
    const rows = await adapter.query<{ owner: string; expires_at: string }>(
      "SELECT owner, expires_at FROM pipeline_state.locks WHERE name = 'schema_migrations'",
    )
    expect(rows.map((r) => r.owner)).toEqual(['me'])
    expect(Date.parse(rows[0]?.expires_at ?? '')).toBeLessThanOrEqual(Date.now())
  })

  it('is re-entrant for its owner, exclusive for others, and free again after release', async () => {
    const { adapter } = await setup()
    await createLocks(adapter)
    const a = new LeaseLock(adapter, 'pipeline_state', { name: 'target', owner: 'a', waitMs: 0 })
    const b = new LeaseLock(adapter, 'pipeline_state', { name: 'target', owner: 'b', waitMs: 0 })
    expect(await a.acquire()).toBeNull()
    expect(await a.acquire()).toBeNull()
    expect(await b.acquire()).toMatchObject({ owner: 'a' })
    expect(await a.renew()).toBe(true)
    expect(await b.renew()).toBe(false)
    await a.release()
    expect(await b.acquire()).toBeNull()
  })

  it('gives the lease to exactly one of many acquirers racing on a fresh lock row', async () => {
    for (let round = 0; round < 5; round++) {
      const { adapter } = await setup()
      await createLocks(adapter)
      const locks = Array.from(
        { length: 8 },
        (_, i) => new LeaseLock(adapter, 'pipeline_state', { name: `race_${round}`, owner: `o${i}`, waitMs: 0 }),
      )
      const outcomes = await Promise.all(locks.map((l) => l.acquire()))
      const winners = locks.filter((_, i) => outcomes[i] === null).map((l) => l.owner)
      expect(winners, `round ${round}`).toHaveLength(1)
      const holders = await adapter.query<{ owner: string }>(
        'SELECT DISTINCT owner FROM pipeline_state.locks WHERE name = $name AND expires_at > CAST($now AS TIMESTAMP)',
        {
          params: { name: `race_${round}`, now: new Date().toISOString() },
        },
      )
      expect(holders.map((h) => h.owner)).toEqual(winners)
    }
  })

  it('renders lease and ledger SQL that BigQuery parses', () => {
    const dialect = createBigQueryDialect({ project: 'p' })
    const ledger = new Ledger(dialect, 'pipeline_state')
    const file = { version: 1, name: '0001-x', file: 'migrations/0001-x.ts', path: '/x', checksum: 'c' }
    const stamp = { buildCommitSha: 's', owner: 'o', startedAt: '2026-01-01T00:00:00.000Z' }
    const statements = [
      ...Object.values(leaseStatements(dialect, 'pipeline_state')),
      ledger.createTableSql(),
      ledger.insert(file, 'running', stamp).sql,
      ledger.insert(file, 'applied', stamp).sql,
      ledger.finish(1, { status: 'applied', durationMs: 3 }).sql,
    ]
    for (const sql of statements)
      expect(() => parse(sql, { dialect: 'bigquery', paramTypes: ['@name'] }), sql).not.toThrow()
  })
})

import { appendFile, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import { createBigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { sha256Hex } from '../../src/migrate/discover.js'
import { recordStatements } from '../../src/migrate/migration-context.js'
import {
  MigrationDriftError,
  MigrationFailedError,
  MigrationOrderError,
  MigrationsNotCurrentError,
} from '../../src/migrate/migration-errors.js'
import { defineMigration } from '../../src/index.js'
import {
  applyMigrations,
  ensureMigrationsCurrent,
  migrationStatus,
  planMigrations,
} from '../../src/migrate/migrator.js'
import { FIXTURES, copyFixture, openMemory, withoutTransactionalDdl } from './support.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function memory(): Promise<DuckDbAdapter> {
  const adapter = await openMemory()
  cleanups.push(() => adapter.close())
  return adapter
}

async function fixture(name: string): Promise<{ root: string; adapter: DuckDbAdapter }> {
  const { root, cleanup } = await copyFixture(name)
  const adapter = await openMemory()
  cleanups.push(async () => {
    await adapter.close()
    await cleanup()
  })
  return { root, adapter }
}

describe('applyMigrations', () => {
  it('applies the fixture in order and records checksums of the file bytes', async () => {
    const { root, adapter } = await fixture('migrations-basic')
    const result = await applyMigrations(adapter, { root, buildCommitSha: 'abc' })
    expect(result.applied.map((m) => m.name)).toEqual(['0001-create-widgets', '0002-add-widget-color'])
    const [row] = await adapter.query<{ checksum: string }>(
      'SELECT checksum FROM pipeline_state.schema_migrations WHERE version = 1',
    )
    expect(row?.checksum).toBe(sha256Hex(await readFile(join(root, 'migrations/0001-create-widgets.ts'))))
    expect((await adapter.describeTable({ dataset: 'shop', name: 'widgets' }))?.map((c) => c.name)).toEqual([
      'widget_id',
      'made_on',
      'created_at',
      'color',
    ])
    expect(await adapter.tableExists({ dataset: 'shop', name: 'red_widgets' })).toBe(true)
  })

  it('refuses a migration edited after it was applied, naming the file and both checksums', async () => {
    const { root, adapter } = await fixture('migrations-basic')
    await applyMigrations(adapter, { root, to: 1 })
    const path = join(root, 'migrations/0001-create-widgets.ts')
    const applied = sha256Hex(await readFile(path))
    await appendFile(path, '\n// an innocent-looking edit\n')
    const edited = sha256Hex(await readFile(path))
    const error = await applyMigrations(adapter, { root }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationDriftError)
    expect((error as Error).message).toContain('migrations/0001-create-widgets.ts changed after it was applied')
    expect((error as Error).message).toContain(applied)
    expect((error as Error).message).toContain(edited)
    // Nothing else was applied either.
    expect(await adapter.describeTable({ dataset: 'shop', name: 'widgets' })).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'color' })]),
    )
    expect((await migrationStatus(adapter, { root })).entries.map((e) => e.state)).toEqual(['drifted', 'pending'])
    await expect(ensureMigrationsCurrent(adapter, { root })).rejects.toThrow(
      /drifted: migrations\/0001-create-widgets\.ts changed/,
    )
  })

  it('reports an applied migration whose file is gone', async () => {
    const { root, adapter } = await fixture('migrations-basic')
    await applyMigrations(adapter, { root })
    await rename(
      join(root, 'migrations/0002-add-widget-color.ts'),
      join(root, 'migrations/0002-add-widget-color.ts.bak'),
    )
    const status = await migrationStatus(adapter, { root })
    expect(status.entries.map((e) => e.state)).toEqual(['applied', 'missing'])
    await expect(ensureMigrationsCurrent(adapter, { root })).rejects.toBeInstanceOf(MigrationsNotCurrentError)
  })

  it('refuses a gap in the numbers, naming the file', async () => {
    const error = await migrationStatus(await memory(), { root: join(FIXTURES, 'migrations-gap') }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(MigrationOrderError)
    expect((error as MigrationOrderError).code).toBe('migration-order')
    expect((error as Error).message).toContain('migrations/0003-third.ts is number 0003 but 0002 is missing')
  })

  it('refuses a duplicate number, naming both files', async () => {
    const error = await applyMigrations(await memory(), { root: join(FIXTURES, 'migrations-duplicate') }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(MigrationOrderError)
    expect((error as Error).message).toContain(
      'duplicate number 0002: migrations/0002-other-second.ts, migrations/0002-second.ts',
    )
  })

  it('refuses a badly named file', async () => {
    await expect(planMigrations(duckDbDialect, { root: join(FIXTURES, 'migrations-bad-name') })).rejects.toThrow(
      /migrations\/2_Second\.ts: bad name/,
    )
  })

  it('applies up to --to and leaves the rest pending; an unknown --to is bad usage', async () => {
    const { root, adapter } = await fixture('migrations-basic')
    await expect(applyMigrations(adapter, { root, to: 7 })).rejects.toThrow(/there is no migration 0007/)
    expect(await applyMigrations(adapter, { root, to: 1 })).toMatchObject({ applied: [{ version: 1 }], remaining: 1 })
    expect((await planMigrations(adapter, { root })).migrations.map((m) => m.version)).toEqual([2])
  })

  it('rolls a failing migration back entirely on DuckDB (statements and ledger row commit together)', async () => {
    const { root, adapter } = await fixture('migrations-failing')
    const error = await applyMigrations(adapter, { root }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationFailedError)
    expect((error as Error).message).toMatch(/0002-broken-statement\.ts failed and was rolled back/)
    expect((await adapter.describeTable({ dataset: 'shop', name: 'widgets' }))?.map((c) => c.name)).not.toContain(
      'weight',
    )
    expect((await migrationStatus(adapter, { root })).entries.map((e) => e.state)).toEqual(['applied', 'pending'])
  })
})

describe('applyMigrations without transactional DDL', () => {
  it('marks a migration whose statement failed, keeps what ran, and refuses to re-apply it', async () => {
    const { root, adapter } = await fixture('migrations-failing')
    const stepwise = withoutTransactionalDdl(adapter)
    await expect(applyMigrations(stepwise, { root })).rejects.toThrow(
      /statement 2 of 2 .* failed[\s\S]*Statements 1–1 were applied/,
    )
    expect((await adapter.describeTable({ dataset: 'shop', name: 'widgets' }))?.map((c) => c.name)).toContain('weight')
    const status = await migrationStatus(stepwise, { root })
    expect(status.entries.map((e) => e.state)).toEqual(['applied', 'failed'])
    const again = await applyMigrations(stepwise, { root }).catch((e: unknown) => e)
    expect(again).toBeInstanceOf(MigrationDriftError)
    expect((again as Error).message).toContain('migrations/0002-broken-statement.ts failed')
    expect((again as Error).message).toContain('DELETE FROM pipeline_state.schema_migrations WHERE version = 2')
  })

  it('detects a crash between the last statement and the ledger update on the next run', async () => {
    const { root, adapter } = await fixture('migrations-basic')
    let crash = false
    const stepwise = withoutTransactionalDdl(adapter, {
      beforeExecute: (sql) => {
        if (crash && /^UPDATE .*schema_migrations/s.test(sql)) throw new Error('process killed')
      },
    })
    await applyMigrations(stepwise, { root, to: 1 })
    crash = true
    await expect(applyMigrations(stepwise, { root })).rejects.toThrow('process killed')
    crash = false
    const status = await migrationStatus(stepwise, { root })
    expect(status.entries.map((e) => e.state)).toEqual(['applied', 'interrupted'])
    expect(status.entries[1]?.problem).toMatch(/0002-add-widget-color\.ts started at .* and never finished/)
    const error = await applyMigrations(stepwise, { root }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationDriftError)
    expect((error as Error).message).toContain('never finished')
  })
})

describe('the migration context', () => {
  const target = { dataset: 'raw', name: 'orders' }

  it('refuses to add a NOT NULL column', async () => {
    await expect(
      recordStatements(duckDbDialect, async ({ addColumn }) => {
        await addColumn(target, { name: 'currency', type: 'STRING', nullable: false })
      }),
    ).rejects.toThrow(/NOT NULL column cannot be added/)
  })

  it('merges only consecutive column additions to one table, and refuses a column added twice', async () => {
    const other = { dataset: 'raw', name: 'customers' }
    const up = async ({ addColumn, execute }: Parameters<Parameters<typeof recordStatements>[1]>[0]) => {
      await addColumn(target, { name: 'currency', type: 'STRING' })
      await addColumn(target, { name: 'amount', type: 'FLOAT64' })
      await addColumn(other, { name: 'tier', type: 'STRING' })
      await execute('SELECT 1')
      await addColumn(target, { name: 'note', type: 'STRING' })
    }
    expect((await recordStatements(createBigQueryDialect(), up)).map((s) => s.sql)).toEqual([
      'ALTER TABLE `raw.orders`\n  ADD COLUMN IF NOT EXISTS `currency` STRING,\n  ADD COLUMN IF NOT EXISTS `amount` FLOAT64',
      'ALTER TABLE `raw.customers`\n  ADD COLUMN IF NOT EXISTS `tier` STRING',
      'SELECT 1',
      'ALTER TABLE `raw.orders`\n  ADD COLUMN IF NOT EXISTS `note` STRING',
    ])
    expect((await recordStatements(duckDbDialect, up)).map((s) => s.label)).toEqual([
      'add column raw.orders.currency',
      'add column raw.orders.amount',
      'add column raw.customers.tier',
      'statement',
      'add column raw.orders.note',
    ])
    await expect(
      recordStatements(createBigQueryDialect(), async ({ addColumn }) => {
        await addColumn(target, { name: 'currency', type: 'STRING' })
        await addColumn(target, { name: 'currency', type: 'STRING' })
      }),
    ).rejects.toThrow(/raw\.orders\.currency: the column is added twice/)
  })

  it('refuses a misspelt column type while planning, naming the file, the column and the right type', async () => {
    const { root } = await fixture('migrations-basic')
    await writeFile(
      join(root, 'migrations', '0003-add-widget-weight.ts'),
      `export default { description: 'add weight', async up({ addColumn }) {
        await addColumn({ dataset: 'shop', name: 'widgets' }, { name: 'weight', type: 'FLOAT46' })
      } }\n`,
    )
    await expect(planMigrations(duckDbDialect, { root })).rejects.toThrow(
      /0003-add-widget-weight\.ts: .*shop\.widgets\.weight: unknown column type "FLOAT46"; did you mean "FLOAT64"\?/,
    )
  })

  it('runs per-engine SQL only on its engine and refuses unknown engine keys', async () => {
    const up = async ({ execute }: Parameters<Parameters<typeof recordStatements>[1]>[0]) => {
      await execute({ bigquery: 'ALTER TABLE `raw.orders` SET OPTIONS (description = "x")' })
    }
    expect(await recordStatements(duckDbDialect, up)).toEqual([])
    expect((await recordStatements(createBigQueryDialect(), up)).map((s) => s.sql)).toEqual([
      'ALTER TABLE `raw.orders` SET OPTIONS (description = "x")',
    ])
    await expect(
      recordStatements(duckDbDialect, ({ execute }) => execute({ postgres: 'select 1' } as never)),
    ).rejects.toThrow(/unknown engine key/)
  })

  it('defineMigration validates and freezes', () => {
    const migration = defineMigration({ description: 'x', up: () => undefined })
    expect(Object.isFrozen(migration)).toBe(true)
    expect(() => defineMigration({ description: '', up: () => undefined })).toThrow(
      /describe what the migration changes/,
    )
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { MigrationFailedError } from '../../src/migrate/migration-errors.js'
import { applyMigrations, migrationStatus } from '../../src/migrate/migrator.js'
import { copyFixture, openMemory, withoutTransactionalDdl } from './support.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

describe('a failed migration on an engine without transactional DDL', () => {
  it('says so when marking it failed in the ledger fails too, instead of claiming the ledger marks it', async () => {
    const { root, cleanup } = await copyFixture('migrations-failing')
    const adapter = await openMemory()
    cleanups.push(async () => {
      await adapter.close()
      await cleanup()
    })
    // Only the UPDATE marking a row failed sets no applied_at: make that one fail, as in an outage.
    const stepwise = withoutTransactionalDdl(adapter, {
      beforeExecute: (sql) => {
        if (/^UPDATE .*schema_migrations/s.test(sql) && !sql.includes('applied_at'))
          throw new Error('ledger unreachable')
      },
    })
    const error = await applyMigrations(stepwise, { root }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationFailedError)
    const message = (error as Error).message
    expect(message).toContain('migrations/0002-broken-statement.ts')
    expect(message).toMatch(
      /marking it failed in the ledger failed too \(ledger unreachable\), so the ledger still shows it running/,
    )
    expect(message).not.toContain('the ledger marks the migration failed')
    const status = await migrationStatus(adapter, { root })
    expect(status.entries.map((e) => e.state)).toEqual(['applied', 'interrupted'])
  })
})

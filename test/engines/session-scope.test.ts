import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { inSession } from '../../src/engines/session-scope.js'
import { memoryAdapter } from '../support/fixtures.js'

let adapter: DuckDbAdapter

beforeEach(async () => {
  adapter = await memoryAdapter()
})
afterEach(async () => {
  await adapter.close()
})

const staged = { dataset: 'temp', name: 'shop__orders__staging' }

describe('a session', () => {
  it('sends every statement on one connection: a TEMP table stays visible to the statements after it', async () => {
    const seen = await inSession(async () => {
      await adapter.execute(adapter.dialect.sessionStaging!.createAs(staged, 'SELECT 1 AS a, 2 AS b'))
      return {
        rows: await adapter.query('SELECT a + b AS n FROM "temp"."shop__orders__staging"'),
        columns: await adapter.describeTable(staged),
      }
    })
    expect(seen.rows).toEqual([{ n: 3 }])
    expect(seen.columns?.map((c) => c.name)).toEqual(['a', 'b'])
  })

  it('keeps the TEMP tables of two sessions running at once apart', async () => {
    const build = (value: number) =>
      inSession(async () => {
        await adapter.execute(adapter.dialect.sessionStaging!.createAs(staged, `SELECT ${value} AS a`))
        await new Promise((resolve) => setTimeout(resolve, 20))
        const [row] = await adapter.query<{ a: number }>('SELECT a FROM "temp"."shop__orders__staging"')
        return row?.a
      })
    expect(await Promise.all([build(1), build(2)])).toEqual([1, 2])
  })

  it('answers a persistent table of the same name from its schema, not from the TEMP tables', async () => {
    await adapter.execute('CREATE SCHEMA shop; CREATE TABLE shop.orders (id INTEGER)')
    await inSession(async () => {
      await adapter.execute(
        adapter.dialect.sessionStaging!.createAs({ dataset: 'temp', name: 'orders' }, 'SELECT 1 AS x'),
      )
      expect((await adapter.describeTable({ dataset: 'shop', name: 'orders' }))?.map((c) => c.name)).toEqual(['id'])
      expect(await adapter.describeTable({ dataset: 'main', name: 'orders' })).toBeNull()
    })
  })
})

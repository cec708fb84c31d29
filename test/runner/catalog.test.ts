/**
 * The catalogue a run reads once while planning (src/runner/catalog.ts): one statement describes every
 * relation asked for; existence and columns are then answered without a statement, until the run may have
 * changed the relation (an action writing it starts, an operation or hooks start, the state upgrade).
 * Real DuckDB (:memory:); the shop fixture's compiled actions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompiledAction, CompiledGraph } from '../../src/compiler/compiled.js'
import type { Adapter } from '../../src/engines/adapter.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { Catalog, catalogTargets } from '../../src/runner/catalog.js'
import { delegate } from '../migrate/support.js'
import { runPipeline } from '../../src/runner/run.js'
import { SHOP_SOURCES_SQL, compileFixture, memoryAdapter, testRun } from '../support/fixtures.js'

let adapter: DuckDbAdapter
let graph: CompiledGraph
const ORDERS = { dataset: 'raw', name: 'raw_orders' }
const SUMMARY = { dataset: 'shop', name: 'summary' }
const VIEW = { dataset: 'shop', name: 'summary_view' }
const MISSING = { dataset: 'nowhere', name: 'nothing' }

beforeEach(async () => {
  graph ??= await compileFixture('shop')
  adapter = await memoryAdapter()
  await adapter.execute(`CREATE SCHEMA raw; CREATE SCHEMA shop;
    CREATE TABLE raw.raw_orders (order_date DATE NOT NULL, customer_id BIGINT, amount DOUBLE);
    CREATE TABLE shop.summary (n BIGINT);
    CREATE VIEW shop.summary_view AS SELECT n, CAST(n AS VARCHAR) AS label FROM shop.summary`)
})
afterEach(async () => adapter.close())

/** The adapter, naming each statement and introspection call that reaches the warehouse. */
function counting(live: DuckDbAdapter): { adapter: Adapter; calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    adapter: delegate(live, {
      query: (sql, options) => (calls.push('query'), live.query(sql, options)),
      execute: (sql, options) => (calls.push('execute'), live.execute(sql, options)),
      tableExists: (target) => (calls.push('tableExists'), live.tableExists(target)),
      describeTable: (target) => (calls.push('describeTable'), live.describeTable(target)),
      describeRelations: (targets) => (calls.push('describeRelations'), live.describeRelations(targets)),
    }),
  }
}

function action(name: string): CompiledAction {
  const found = graph.actions.find((a) => a.name === name)
  if (!found) throw new Error(`no action ${name} in the shop fixture`)
  return found
}

describe('Catalog', () => {
  it('describes every relation in one read and answers existence and columns without a statement', async () => {
    const { adapter: watched, calls } = counting(adapter)
    const catalog = await Catalog.read(watched, [ORDERS, SUMMARY, VIEW, MISSING])
    expect(calls).toEqual(['describeRelations'])
    const view = catalog.adapter
    expect(await view.describeTable(ORDERS)).toEqual([
      { name: 'order_date', type: 'DATE', nullable: false },
      { name: 'customer_id', type: 'INT64', nullable: true },
      { name: 'amount', type: 'FLOAT64', nullable: true },
    ])
    expect(await view.describeTable(VIEW)).toEqual([
      { name: 'n', type: 'INT64', nullable: true },
      { name: 'label', type: 'STRING', nullable: true },
    ])
    expect(await view.tableExists(SUMMARY)).toBe(true)
    expect(await view.tableExists(MISSING)).toBe(false)
    expect(await view.describeTable(MISSING)).toBeNull()
    expect(calls).toEqual(['describeRelations'])
    // The snapshot answers as the warehouse does, relation by relation.
    for (const target of [ORDERS, SUMMARY, VIEW, MISSING])
      expect(await view.describeTable(target)).toEqual(await adapter.describeTable(target))
  })

  it('asks the warehouse about a relation it was not asked to read (a staging table)', async () => {
    const { adapter: watched, calls } = counting(adapter)
    const catalog = await Catalog.read(watched, [ORDERS])
    await adapter.execute('CREATE TEMP TABLE staged AS SELECT 1 AS one')
    expect(await catalog.adapter.describeTable({ dataset: 'temp', name: 'staged' })).toEqual([
      { name: 'one', type: 'INT64', nullable: true },
    ])
    expect(calls).toEqual(['describeRelations', 'describeTable'])
  })

  it('reads an action’s own relation live once the action starts, and keeps answering for the others', async () => {
    const table = action('orders_daily')
    const catalog = await Catalog.read(adapter, catalogTargets(graph.actions, []))
    expect(await catalog.adapter.tableExists(table.target!)).toBe(false)
    await adapter.execute(`CREATE TABLE ${adapter.dialect.formatTarget(table.target!)} AS SELECT 1 AS one`)
    // Before the action starts, the snapshot stands (nothing of this run wrote it yet).
    expect(await catalog.adapter.tableExists(table.target!)).toBe(false)
    catalog.willRun(table)
    expect(await catalog.adapter.tableExists(table.target!)).toBe(true)
    await adapter.execute('DROP TABLE raw.raw_orders')
    expect(await catalog.adapter.tableExists(ORDERS)).toBe(true)
  })

  it('reads everything live once an operation starts (free SQL may write any table)', async () => {
    const catalog = await Catalog.read(adapter, [ORDERS, MISSING])
    await adapter.execute('CREATE SCHEMA nowhere; CREATE TABLE nowhere.nothing (x INT)')
    catalog.willRun(action('analyze_orders'))
    expect(await catalog.adapter.tableExists(MISSING)).toBe(true)
  })

  it('a declaration or an assertion starting changes nothing; forgetting a dataset reads it live', async () => {
    const catalog = await Catalog.read(adapter, [ORDERS, MISSING])
    await adapter.execute('CREATE SCHEMA nowhere; CREATE TABLE nowhere.nothing (x INT)')
    for (const a of graph.actions.filter((a) => a.kind === 'declaration' || a.kind === 'assertion')) catalog.willRun(a)
    expect(await catalog.adapter.tableExists(MISSING)).toBe(false)
    catalog.forgetDataset('nowhere')
    expect(await catalog.adapter.tableExists(MISSING)).toBe(true)
  })
})

describe('a run that plans from the catalogue', () => {
  /** The shop fixture with its standalone assertion made a monitor that also reads `customers`. */
  function withMonitor(shop: CompiledGraph): CompiledGraph {
    return {
      ...shop,
      actions: shop.actions.map((a) =>
        a.kind === 'assertion' && a.name === 'orders_have_positive_amounts'
          ? { ...a, dependencies: [...a.dependencies, 'customers'], definition: { ...a.definition, monitor: true } }
          : a,
      ),
    }
  }

  it('sees a table an earlier action created in the same run (a monitor whose upstream failed)', async () => {
    const shop = withMonitor(graph)
    await adapter.execute(`DROP VIEW shop.summary_view; DROP TABLE shop.summary; DROP TABLE raw.raw_orders;
      ${SHOP_SOURCES_SQL.replace('CREATE SCHEMA raw;', '')}`)
    const first = await runPipeline({ graph: shop, adapter, run: testRun(), today: '2026-02-01' })
    expect(first.ok).toBe(true)
    // At the next run's planning "customers" is missing (it is rebuilt by the run), and orders_daily fails on
    // a new date: the monitor's upstream failed, so it runs only if the tables it reads exist.
    await adapter.execute(`DROP VIEW shop.customer_countries; DROP TABLE shop.customers;
      INSERT INTO raw.raw_orders VALUES (DATE '2026-01-04', 1, 3.0);
      ALTER TABLE raw.raw_orders RENAME COLUMN amount TO amount_eur`)
    const second = await runPipeline({ graph: shop, adapter, run: testRun(), today: '2026-02-01' })
    const status = (name: string) => second.actions.find((a) => a.name === name)?.status
    expect([status('customers'), status('orders_daily')]).toEqual(['succeeded', 'failed'])
    const monitor = second.actions.find((a) => a.name === 'orders_have_positive_amounts')
    expect(monitor?.skippedBecause).toBeUndefined()
    expect(monitor?.status).toBe('succeeded')
    expect(monitor?.checks.length).toBeGreaterThan(0)
  })

  it('still reports a source that does not exist', async () => {
    await adapter.execute('DROP TABLE raw.raw_orders')
    await adapter.execute(`CREATE TABLE raw.raw_customers AS SELECT 1 AS customer_id, 'fr' AS country`)
    const result = await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01' })
    const source = result.actions.find((a) => a.name === 'raw_orders')
    expect(source?.status).toBe('failed')
    expect(source?.error?.code).toBe('source-missing')
    expect(source?.error?.message).toMatch(/Source "raw\.raw_orders" \(.*\) does not exist/)
    expect(result.actions.find((a) => a.name === 'raw_customers')?.status).toBe('succeeded')
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { runPipeline } from '../../src/runner/run.js'
import type { RunResult } from '../../src/runner/result.js'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { compileFixture, memoryAdapter, testRun } from '../support/fixtures.js'

let adapter: DuckDbAdapter
let graph: CompiledGraph

async function seedSources(): Promise<void> {
  await adapter.execute(`CREATE SCHEMA raw;
    CREATE TABLE raw.raw_customers AS SELECT * FROM (VALUES (1, 'fr'), (2, 'us'), (3, 'us')) t(customer_id, country);
    CREATE TABLE raw.raw_orders AS SELECT * FROM (VALUES
      (DATE '2026-01-01', 1, 10.0), (DATE '2026-01-01', 2, 4.0), (DATE '2026-01-02', 2, 5.0),
      (DATE '2026-01-03', 1, 7.5), (DATE '2026-01-04', 3, 1.0)) t(order_date, customer_id, amount)`)
}

function byName(result: RunResult, name: string) {
  return result.actions.find((a) => a.name === name)
}

beforeEach(async () => {
  adapter = await memoryAdapter()
  graph = await compileFixture('shop')
  await seedSources()
})
afterEach(async () => {
  await adapter.close()
})

describe('running the shop fixture on DuckDB', () => {
  it('builds every action, stamps tracking columns and records intervals and runs', async () => {
    const run = testRun()
    const result = await runPipeline({ graph, adapter, run, today: '2026-02-01' })
    expect(result.ok).toBe(true)
    expect(result.actions.every((a) => a.status === 'succeeded')).toBe(true)
    const rows = await adapter.query(
      'SELECT order_date, customer_id, orders, amount, build_commit_sha, run_id FROM shop.orders_daily ORDER BY 1, 2',
    )
    expect(rows).toHaveLength(5)
    expect(rows[0]).toEqual({
      order_date: '2026-01-01',
      customer_id: 1,
      orders: 1,
      amount: 10,
      build_commit_sha: 'a'.repeat(40),
      run_id: run.id,
    })
    // batchDays = 2 over 2026-01-01..2026-01-05 (bounded by the latest source date)
    expect(byName(result, 'orders_daily')?.intervals).toEqual([
      { start: '2026-01-01', end: '2026-01-03' },
      { start: '2026-01-03', end: '2026-01-05' },
    ])
    expect(await adapter.query('SELECT status, actions_succeeded FROM pipeline_state.runs')).toEqual([
      { status: 'succeeded', actions_succeeded: 9 },
    ])
    const actionRuns = await adapter.query<{ action: string; status: string; sql_hash: string | null }>(
      'SELECT action, status, sql_hash FROM pipeline_state.action_runs ORDER BY action',
    )
    expect(actionRuns.map((r) => r.action)).toContain('orders_daily')
    expect(actionRuns.find((r) => r.action === 'orders_daily')?.sql_hash).toMatch(/^[0-9a-f]{16}$/)
    expect(await adapter.query('SELECT * FROM shop.customer_countries ORDER BY country')).toEqual([
      { country: 'FR', customers: 1 },
      { country: 'US', customers: 2 },
    ])
  })

  it('does nothing for incremental actions on a second run', async () => {
    await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01' })
    const second = await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01' })
    expect(second.ok).toBe(true)
    expect(byName(second, 'orders_daily')?.intervals).toEqual([])
    expect(byName(second, 'customer_totals')?.intervals).toEqual([])
    expect(await adapter.query('SELECT COUNT(*) AS n FROM shop.orders_daily')).toEqual([{ n: 5 }])
  })

  it('processes only the new source dates after new data arrives', async () => {
    await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01' })
    await adapter.execute(`INSERT INTO raw.raw_orders VALUES (DATE '2026-01-05', 1, 3.0), (DATE '2026-01-06', 2, 2.0)`)
    const third = await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01' })
    expect(byName(third, 'orders_daily')?.intervals).toEqual([{ start: '2026-01-05', end: '2026-01-07' }])
    expect(byName(third, 'orders_daily')?.rowsWritten).toBe(2)
    expect(byName(third, 'customer_totals')?.intervals).toEqual([{ start: '2026-01-05', end: '2026-01-07' }])
    expect(await adapter.query('SELECT COUNT(*) AS n FROM shop.customer_totals')).toEqual([{ n: 7 }])
  })

  it('restricts to --from/--to and reprocesses a range with restate without duplicating rows', async () => {
    const first = await runPipeline({
      graph,
      adapter,
      run: testRun(),
      today: '2026-02-01',
      from: '2026-01-02',
      to: '2026-01-02',
    })
    expect(byName(first, 'orders_daily')?.intervals).toEqual([{ start: '2026-01-02', end: '2026-01-03' }])
    await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01' })
    const restated = await runPipeline({
      graph,
      adapter,
      run: testRun(),
      today: '2026-02-01',
      from: '2026-01-01',
      to: '2026-01-04',
      restate: true,
      selection: { actions: ['orders_daily'] },
    })
    expect(byName(restated, 'orders_daily')?.rowsWritten).toBe(5)
    expect(await adapter.query('SELECT COUNT(*) AS n FROM shop.orders_daily')).toEqual([{ n: 5 }])
  })

  it('skips the dependents of a failed action, keeps independent branches and leaves the previous table intact', async () => {
    await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01' })
    await adapter.execute(`INSERT INTO raw.raw_customers VALUES (1, 'de')`) // duplicate key: the customers audit fails
    const result = await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01' })
    expect(result.ok).toBe(false)
    const customers = byName(result, 'customers')
    expect(customers?.status).toBe('failed')
    expect(customers?.error?.code).toBe('assertion-failed')
    expect(customers?.checks.find((c) => !c.passed)?.message).toMatch(
      /^customers\.unique_key failed: 1 of 4 rows repeat a key/,
    )
    for (const name of [
      'customer_countries',
      'orders_daily',
      'customer_totals',
      'analyze_orders',
      'orders_have_positive_amounts',
    ]) {
      expect(byName(result, name)).toMatchObject({ status: 'skipped', skippedBecause: 'customers' })
    }
    expect(byName(result, 'raw_orders')?.status).toBe('succeeded')
    expect(await adapter.query('SELECT customer_id, country FROM shop.customers ORDER BY 1')).toEqual([
      { customer_id: 1, country: 'FR' },
      { customer_id: 2, country: 'US' },
      { customer_id: 3, country: 'US' },
    ])
    const failed = await adapter.query(
      'SELECT assertion, passed FROM pipeline_state.assertion_results WHERE passed = FALSE',
    )
    expect(failed).toEqual([{ assertion: 'customers.unique_key', passed: false }])
  })

  it('fills gaps between completed intervals in batches', async () => {
    await runPipeline({
      graph,
      adapter,
      run: testRun(),
      today: '2026-02-01',
      selection: { actions: ['orders_daily'], includeDeps: true },
    })
    await adapter.execute(`INSERT INTO raw.raw_orders VALUES (DATE '2026-01-09', 3, 1.0)`)
    const again = await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01' })
    expect(byName(again, 'orders_daily')?.intervals).toEqual([
      { start: '2026-01-05', end: '2026-01-07' },
      { start: '2026-01-07', end: '2026-01-09' },
      { start: '2026-01-09', end: '2026-01-10' },
    ])
  })

  it('refuses to publish rows outside the interval being built', async () => {
    const leaky = await compileFixture('leaky')
    await adapter.execute(
      `CREATE TABLE raw.events AS SELECT * FROM (VALUES (DATE '2026-01-01'), (DATE '2026-01-02')) t(day)`,
    )
    const result = await runPipeline({ graph: leaky, adapter, run: testRun(), today: '2026-02-01' })
    const action = byName(result, 'leaky_daily')
    expect(action?.status).toBe('failed')
    expect(action?.error?.code).toBe('rows-outside-interval')
    expect(action?.error?.message).toContain('1 row(s) have "day" outside [2026-01-01, 2026-01-02)')
    expect(await adapter.query('SELECT COUNT(*) AS n FROM pipeline_state.intervals')).toEqual([{ n: 0 }])
  })
})

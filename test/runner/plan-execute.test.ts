import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { Adapter, Row, Statement, StatementOptions } from '../../src/engines/adapter.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { RunOptions } from '../../src/runner/run.js'
import { runPipeline } from '../../src/runner/run.js'
import type { RunEvent, RunResult } from '../../src/runner/result.js'
import { compileFixture, memoryAdapter, testRun } from '../support/fixtures.js'

/** The adapter, recording every SQL text it is asked to run (transactions statement by statement). */
function recording(inner: Adapter): { adapter: Adapter; sent: string[]; start(): void } {
  const sent: string[] = []
  let on = false
  const record = (...sql: string[]) => on && sent.push(...sql)
  const adapter: Adapter = {
    engine: inner.engine,
    dialect: inner.dialect,
    execute: (sql: string, options?: StatementOptions) => (record(sql), inner.execute(sql, options)),
    // Fingerprints of what standalone assertions read are bookkeeping too (up-to-date.ts), not planned.
    query: <T extends Row = Row>(sql: string, options?: StatementOptions) => (
      options?.label?.startsWith('fingerprint ') || record(sql),
      inner.query<T>(sql, options)
    ),
    transaction: (statements: readonly Statement[]) => (
      record(...statements.map((s) => s.sql)),
      inner.transaction(statements)
    ),
    copyTable: (from, to, options) => inner.copyTable(from, to, options),
    estimateBytes: (sql, options) => inner.estimateBytes(sql, options),
    tableExists: (target) => inner.tableExists(target),
    describeTable: (target) => inner.describeTable(target),
    describeQuery: (sql, options) => inner.describeQuery(sql, options),
    close: () => inner.close(),
  }
  return { adapter, sent, start: () => (on = true) }
}

/** Bookkeeping (runs, action runs, check results, interval records) is written from results, not planned. */
const isBookkeeping = (sql: string) => sql.includes('pipeline_state')

let duck: DuckDbAdapter
let graph: CompiledGraph

beforeEach(async () => {
  duck = await memoryAdapter()
  graph = await compileFixture('shop')
  await duck.execute(`CREATE SCHEMA raw;
    CREATE TABLE raw.raw_customers AS SELECT * FROM (VALUES (1, 'fr'), (2, 'us'), (3, 'us')) t(customer_id, country);
    CREATE TABLE raw.raw_orders AS SELECT * FROM (VALUES
      (DATE '2026-01-01', 1, 10.0), (DATE '2026-01-01', 2, 4.0), (DATE '2026-01-02', 2, 5.0),
      (DATE '2026-01-03', 1, 7.5), (DATE '2026-01-04', 3, 1.0)) t(order_date, customer_id, amount)`)
})
afterEach(async () => {
  await duck.close()
})

/** Dry-run, then run for real with the same run and options: what was sent, against what was planned. */
async function planThenRun(options: Omit<RunOptions, 'graph' | 'adapter' | 'run'>) {
  const run = testRun()
  const planned: RunResult = await runPipeline({ graph, adapter: duck, run, ...options, dryRun: true })
  const { adapter, sent, start } = recording(duck)
  const order: string[] = []
  // Planning reads (recorded intervals, sources' latest dates, live columns) come before the plan event.
  const onEvent = (e: RunEvent) => {
    if (e.type === 'plan') start()
    if (e.type === 'action-start') order.push(e.name)
  }
  const result = await runPipeline({ graph, adapter, run, ...options, concurrency: 1, onEvent })
  const byAction = new Map((planned.plan ?? []).map((p) => [p.action, p]))
  // A standalone assertion whose inputs are unchanged since it passed is not evaluated (up-to-date.ts).
  const upToDate = new Set(result.actions.filter((a) => a.upToDate).map((a) => a.name))
  const expected = order
    .filter((name) => !upToDate.has(name))
    .flatMap((name) => (byAction.get(name)?.batches ?? []).flatMap((b) => b.steps.flatMap((s) => s.sql)))
  return { planned, result, expected, order, sent: sent.filter((sql) => !isBookkeeping(sql)) }
}

describe('plan, then execute', () => {
  it('a dry run creates nothing in the warehouse, not even the state tables', async () => {
    const result = await runPipeline({ graph, adapter: duck, run: testRun(), today: '2026-02-01', dryRun: true })
    expect(result.plan?.length).toBe(graph.actions.length)
    const schemas = await duck.query<{ schema_name: string }>(
      "SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('shop', 'pipeline_state')",
    )
    expect(schemas).toEqual([])
  })

  it('a dry run writes nothing and lists every statement; the real run of a fresh warehouse sends exactly those', async () => {
    const { planned, result, expected, sent, order } = await planThenRun({ today: '2026-02-01' })
    expect(planned.actions.every((a) => a.status === 'skipped' && a.skippedBecause === '--dry-run')).toBe(true)
    expect(result.ok).toBe(true)
    expect(expected.length).toBeGreaterThan(30)
    // Every planned statement is sent, once; batches that overlap (orders_daily) interleave theirs, the rest go in order.
    expect([...sent].sort()).toEqual([...expected].sort())
    const overlapping = (planned.plan ?? []).filter((p) => p.overlappingBatches)
    expect(overlapping.map((p) => p.action)).toEqual(['orders_daily'])
    const theirs = new Set(overlapping.flatMap((p) => p.batches.flatMap((b) => b.steps.flatMap((s) => s.sql))))
    expect(sent.filter((sql) => !theirs.has(sql))).toEqual(expected.filter((sql) => !theirs.has(sql)))
    // The plan lists actions in the order a run with a concurrency of 1 takes them.
    expect(planned.plan?.map((p) => p.action)).toEqual(order)
  })

  it('a restated range of a built warehouse sends exactly the planned statements, in order', async () => {
    await runPipeline({ graph, adapter: duck, run: testRun(), today: '2026-02-01' })
    const { planned, result, expected, sent } = await planThenRun({
      today: '2026-02-01',
      from: '2026-01-02',
      to: '2026-01-03',
      restate: true,
    })
    const orders = planned.plan?.find((p) => p.action === 'orders_daily')
    expect(orders?.batches.map((b) => b.interval)).toEqual([{ start: '2026-01-02', end: '2026-01-04' }])
    expect(result.ok).toBe(true)
    expect(sent).toEqual(expected)
    // The publish of each batch records its interval in the same transaction.
    const publish = orders?.batches[0]?.steps.find((s) => s.kind === 'transaction' && s.records)
    expect(publish?.records).toEqual({ start: '2026-01-02', end: '2026-01-04' })
  })

  it('a failed audit stops at its gate: what was sent is the plan up to the gate, and nothing is published', async () => {
    // A duplicate customer fails the customers table's unique key; its dependents are skipped.
    await duck.execute(`INSERT INTO raw.raw_customers VALUES (1, 'de')`)
    const { planned, result, sent } = await planThenRun({ today: '2026-02-01' })
    const failed = result.actions.filter((a) => a.status === 'failed')
    expect(failed.map((a) => a.name)).toEqual(['customers'])
    expect(failed[0]?.error?.message).toMatch(/unique_key failed/)
    const plan = planned.plan?.find((p) => p.action === 'customers')
    const steps = plan?.batches[0]?.steps ?? []
    const gate = steps.findIndex((s) => s.kind === 'gate')
    const upToGate = steps.slice(0, gate).flatMap((s) => s.sql)
    const afterGate = steps.slice(gate).flatMap((s) => s.sql)
    expect(afterGate.length).toBeGreaterThan(0)
    for (const sql of upToGate) expect(sent).toContain(sql)
    for (const sql of afterGate) expect(sent).not.toContain(sql)
    expect(await duck.tableExists({ dataset: 'shop', name: 'customers' })).toBe(false)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { RunResult } from '../../src/runner/result.js'
import { runPipeline } from '../../src/runner/run.js'
import { openShopWarehouse, testRun } from '../support/fixtures.js'

/**
 * A standalone assertion whose checks and inputs are those of an earlier evaluation that passed is
 * not evaluated again; any change to what it reads (inside or outside the pipeline) evaluates it.
 */
const ASSERTION = 'orders_have_positive_amounts'

let adapter: DuckDbAdapter
let graph: CompiledGraph

beforeEach(async () => {
  ;({ adapter, graph } = await openShopWarehouse())
})
afterEach(() => adapter.close())

function run(g: CompiledGraph = graph): Promise<RunResult> {
  return runPipeline({ graph: g, adapter, run: testRun(), today: '2026-02-01' })
}

function assertionOf(result: RunResult) {
  const found = result.actions.find((a) => a.name === ASSERTION)
  if (!found) throw new Error(`${ASSERTION} is not in the run`)
  return found
}

async function recordedHashes(): Promise<(string | null)[]> {
  const rows = await adapter.query<{ inputs_hash: string | null }>(
    `SELECT inputs_hash FROM pipeline_state.action_runs WHERE action = '${ASSERTION}' ORDER BY finished_at`,
  )
  return rows.map((r) => r.inputs_hash)
}

async function resultsRecorded(): Promise<number> {
  const [row] = await adapter.query<{ n: number }>(
    `SELECT count(*) AS n FROM pipeline_state.assertion_results WHERE assertion LIKE '${ASSERTION}%'`,
  )
  return Number(row?.n ?? 0)
}

describe('standalone assertions on a run with nothing new', () => {
  it('evaluates once, then reports up to date without reading the tables or recording results', async () => {
    const first = assertionOf(await run())
    expect(first.upToDate).toBeUndefined()
    expect(first.checks.length).toBeGreaterThan(0)
    expect(first.checks.every((c) => c.passed)).toBe(true)
    const results = await resultsRecorded()
    expect(results).toBeGreaterThan(0)

    const second = await run()
    expect(second.ok).toBe(true)
    expect(assertionOf(second)).toMatchObject({ status: 'succeeded', upToDate: true, checks: [] })
    expect(await resultsRecorded()).toBe(results)
    const hashes = await recordedHashes()
    expect(hashes).toHaveLength(2)
    expect(hashes[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(hashes[1]).toBe(hashes[0])
  })

  it('evaluates again after a table it reads was edited outside the pipeline, and keeps failing until fixed', async () => {
    await run()
    await adapter.execute(`UPDATE shop.orders_daily SET amount = -1 WHERE order_date = DATE '2026-01-02'`)
    const broken = await run()
    expect(broken.ok).toBe(false)
    expect(assertionOf(broken)).toMatchObject({ status: 'failed' })
    expect(assertionOf(broken).upToDate).toBeUndefined()
    // A failure is never remembered as an outcome: the next run evaluates (and fails) again.
    const still = await run()
    expect(assertionOf(still)).toMatchObject({ status: 'failed' })
    expect((await recordedHashes()).slice(1)).toEqual([null, null])

    // The rows back as they were when it passed: the same inputs, the same outcome.
    await adapter.execute(`UPDATE shop.orders_daily SET amount = 5.0 WHERE order_date = DATE '2026-01-02'`)
    const fixed = await run()
    expect(fixed.ok).toBe(true)
    expect(assertionOf(fixed).upToDate).toBe(true)
  })

  it('evaluates again when new source rows were built into the table it reads', async () => {
    await run()
    await adapter.execute(`INSERT INTO raw.raw_orders VALUES (DATE '2026-01-04', 2, 3.0)`)
    const result = await run()
    expect(result.actions.find((a) => a.name === 'orders_daily')?.rowsWritten).toBe(1)
    const next = assertionOf(result)
    expect(next.upToDate).toBeUndefined()
    expect(next.checks.length).toBeGreaterThan(0)
  })

  it('evaluates a monitor on every run', async () => {
    const monitored: CompiledGraph = {
      ...graph,
      actions: graph.actions.map((a) =>
        a.kind === 'assertion' && a.name === ASSERTION ? { ...a, definition: { ...a.definition, monitor: true } } : a,
      ),
    }
    await run(monitored)
    const again = assertionOf(await run(monitored))
    expect(again.upToDate).toBeUndefined()
    expect(again.checks.length).toBeGreaterThan(0)
  })

  it('evaluates every assertion under a changed check: the key covers its SQL', async () => {
    await run()
    const changed: CompiledGraph = {
      ...graph,
      actions: graph.actions.map((a) =>
        a.kind === 'assertion' && a.name === ASSERTION
          ? {
              ...a,
              checks: a.checks.map((c) => ({ ...c, definition: { ...c.definition, severity: 'warn' as const } })),
            }
          : a,
      ),
    }
    expect(assertionOf(await run(changed)).upToDate).toBeUndefined()
  })
})

describe('bookkeeping of a run that wrote nothing', () => {
  it('records the action runs of actions that only read in one INSERT, and a failure at once', async () => {
    await run()
    const sent: string[] = []
    const watched = new Proxy(adapter, {
      get: (target, property) => {
        if (property === 'execute')
          return (sql: string, options?: Parameters<DuckDbAdapter['execute']>[1]) => {
            sent.push(sql)
            return target.execute(sql, options)
          }
        const value: unknown = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const second = await runPipeline({ graph, adapter: watched, run: testRun(), today: '2026-02-01' })
    const inserts = sent.filter((s) => /insert into "pipeline_state"\."action_runs"/i.test(s))
    // The shop's table (customers) is rebuilt on every run: its rows go at once, with those held so far.
    const wrote = second.actions.filter((a) => (a.rowsWritten ?? 0) > 0).length
    expect(wrote).toBeLessThan(3)
    expect(inserts.length).toBeLessThanOrEqual(wrote + 1)
    expect(second.actions.length).toBeGreaterThan(6)
    const [row] = await adapter.query<{ n: number }>(
      `SELECT count(*) AS n FROM pipeline_state.action_runs WHERE run_id = '${second.runId}'`,
    )
    expect(Number(row?.n)).toBe(second.actions.length)

    // A failure is written when it happens, not held to the end of the run.
    await adapter.execute(`UPDATE shop.orders_daily SET amount = -1 WHERE order_date = DATE '2026-01-02'`)
    sent.length = 0
    const failing = await runPipeline({ graph, adapter: watched, run: testRun(), today: '2026-02-01' })
    expect(failing.ok).toBe(false)
    expect(sent.filter((s) => /insert into "pipeline_state"\."action_runs"/i.test(s)).length).toBeGreaterThan(1)
    const failed = await adapter.query<{ status: string }>(
      `SELECT status FROM pipeline_state.action_runs WHERE run_id = '${failing.runId}' AND action = '${ASSERTION}'`,
    )
    expect(failed).toEqual([{ status: 'failed' }])
  })
})

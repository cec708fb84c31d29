import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { RunOptions } from '../../src/runner/run.js'
import { runPipeline } from '../../src/runner/run.js'
import { openShopWarehouse, testRun } from '../support/fixtures.js'

// customer_totals merges on (order_date, customer_id): its key holds the interval column.
let duck: DuckDbAdapter
let graph: CompiledGraph

beforeEach(async () => {
  ;({ adapter: duck, graph } = await openShopWarehouse())
})
afterEach(() => duck.close())

type Options = Omit<RunOptions, 'graph' | 'adapter' | 'run'>

async function publishOf(options: Options): Promise<string[]> {
  const planned = await runPipeline({ graph, adapter: duck, run: testRun(), dryRun: true, ...options })
  const totals = planned.plan?.find((p) => p.action === 'customer_totals')
  return (totals?.batches ?? []).map(
    (b) => b.steps.find((s) => s.kind === 'transaction' && s.records)?.sql[0]?.split(' ')[0] ?? '',
  )
}

const totals = () =>
  duck.query('SELECT order_date, customer_id, amount FROM shop.customer_totals ORDER BY order_date, customer_id')

describe('a merge into dates the target holds no row of', () => {
  it('publishes with INSERT; dates it holds rows of are merged, with the same rows as a result', async () => {
    const today = { today: '2026-02-01' }
    expect(await publishOf(today)).toEqual(['INSERT'])
    expect((await runPipeline({ graph, adapter: duck, run: testRun(), ...today })).ok).toBe(true)
    const inserted = await totals()
    expect(inserted).toHaveLength(3)

    const restate = { ...today, from: '2026-01-01', to: '2026-01-03', restate: true }
    expect(await publishOf(restate)).toEqual(['MERGE'])
    expect((await runPipeline({ graph, adapter: duck, run: testRun(), ...restate })).ok).toBe(true)
    expect(await totals()).toEqual(inserted)
  })

  it('is probed per batch: the dates after the built ones insert, restated built dates merge', async () => {
    await duck.execute(`DELETE FROM raw.raw_orders WHERE order_date > DATE '2026-01-02'`)
    expect((await runPipeline({ graph, adapter: duck, run: testRun(), today: '2026-01-03' })).ok).toBe(true)
    await duck.execute(`INSERT INTO raw.raw_orders VALUES (DATE '2026-01-03', 1, 7.5)`)
    const fresh = { today: '2026-02-01' }
    expect(await publishOf(fresh)).toEqual(['INSERT'])
    const restate = { today: '2026-02-01', from: '2026-01-02', to: '2026-01-02', restate: true }
    expect(await publishOf(restate)).toEqual(['MERGE'])
  })
})

import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { runScenario } from '../../scripts/reliability/kill-harness.js'
import type { Scenario } from '../../scripts/reliability/kill-harness.js'
import { fixturePath, REPO_ROOT } from '../support/fixtures.js'
import { scratchDir } from '../support/scratch.js'

/**
 * The kill -9 harness, fast: the shop fixture's `run` killed with SIGKILL at three points of its
 * writes, then run again, equals an uninterrupted run table for table (the NBA scenarios run with
 * `npm run reliability`; figures in BENCHMARKS.md).
 */
const shopRun: Scenario = {
  name: 'shop-run',
  project: fixturePath('shop'),
  cli: [process.execPath, join(REPO_ROOT, 'bin', 'pipeline.js')],
  cwd: REPO_ROOT,
  command: { argv: ['run'], env: { BUILD_COMMIT_SHA: 'd'.repeat(40) } },
  prepare: async (warehouse) => {
    const adapter = await DuckDbAdapter.open({ path: warehouse })
    await adapter.execute(`CREATE SCHEMA raw;
      CREATE TABLE raw.raw_customers AS SELECT * FROM (VALUES (1, 'fr'), (2, 'us')) t(customer_id, country);
      CREATE TABLE raw.raw_orders AS SELECT * FROM (VALUES (DATE '2026-01-01', 1, 10.0), (DATE '2026-01-02', 2, 5.0),
        (DATE '2026-01-03', 1, 7.5), (DATE '2026-01-05', 2, 2.5)) t(order_date, customer_id, amount)`)
    await adapter.close()
  },
}

describe('kill -9 during a run, then run again', () => {
  it('ends with the tables of an uninterrupted run, the killed run interrupted, nothing left running', async () => {
    const report = await runScenario(shopRun, { dir: scratchDir('pipeline-kill-'), points: 3 })
    expect(report.writes).toBeGreaterThan(5)
    expect(report.points).toHaveLength(3)
    for (const point of report.points) {
      expect(point.killed, `after write ${point.afterWrites}`).toBe(true)
      expect(point.differences, `after write ${point.afterWrites}`).toEqual([])
      expect(point.problems, `after write ${point.afterWrites}`).toEqual([])
      expect(point.rowsCompared).toBeGreaterThan(0)
    }
  }, 180_000)
})

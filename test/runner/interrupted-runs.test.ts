import { describe, expect, it } from 'vitest'
import { runPipeline } from '../../src/runner/run.js'
import { StateStore } from '../../src/state/state-store.js'
import type { RunRecord } from '../../src/state/state-store.js'
import { compileFixture, memoryAdapter, testRun } from '../support/fixtures.js'

function running(runId: string, pid: number): RunRecord {
  return {
    runId,
    command: 'run',
    mode: 'daily',
    status: 'running',
    startedAt: '2026-01-10T06:00:00.000Z',
    buildCommitSha: 'a'.repeat(40),
    deploymentRevision: 'local',
    engine: 'duckdb',
    skipAssertions: false,
    pid,
  }
}

describe('runs left running by a dead process', () => {
  it('are recorded as interrupted by the next run; a run of this process is left alone', async () => {
    const adapter = await memoryAdapter()
    try {
      const graph = await compileFixture('shop')
      await adapter.execute(`CREATE SCHEMA raw;
        CREATE TABLE raw.raw_customers AS SELECT * FROM (VALUES (1, 'fr')) t(customer_id, country);
        CREATE TABLE raw.raw_orders AS SELECT * FROM (VALUES (DATE '2026-01-01', 1, 10.0)) t(order_date, customer_id, amount)`)
      const first = await runPipeline({ graph, adapter, run: testRun(), runsDir: null })
      expect(first.interruptedRuns).toBeUndefined()
      const state = new StateStore(adapter, graph.project.stateDataset)
      // A DuckDB warehouse is written by one process at a time: another PID's running run is dead. This
      // one was killed while staging orders_daily (whose intervals are all done: nothing restages it).
      await state.startRun(running('killed', 2_147_000_000))
      await state.startRun(running('this-process', process.pid))
      await adapter.execute('CREATE TABLE shop.orders_daily__staging AS SELECT * FROM shop.orders_daily')
      const result = await runPipeline({ graph, adapter, run: testRun(), runsDir: null })
      expect(result.ok).toBe(true)
      expect(result.interruptedRuns).toEqual(['killed'])
      expect(
        await adapter.query(
          `SELECT run_id, status, finished_at IS NOT NULL AS finished FROM ${graph.project.stateDataset}.runs WHERE run_id NOT IN ('${first.runId}') ORDER BY run_id`,
        ),
      ).toEqual([
        { run_id: 'killed', status: 'interrupted', finished: true },
        { run_id: result.runId, status: 'succeeded', finished: true },
        { run_id: 'this-process', status: 'running', finished: false },
      ])
      expect(await adapter.tableExists({ dataset: 'shop', name: 'orders_daily__staging' })).toBe(false)
      const again = await runPipeline({ graph, adapter, run: testRun(), runsDir: null })
      expect(again.interruptedRuns).toBeUndefined()
    } finally {
      await adapter.close()
    }
  })
})

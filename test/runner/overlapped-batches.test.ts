import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompiledAction, CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { RunResult } from '../../src/runner/result.js'
import { runPipeline } from '../../src/runner/run.js'
import { seedStores } from '../assertions/support.js'
import { compileFixture, memoryAdapter, testRun } from '../support/fixtures.js'

// store_features (2026-01-01..05, audited per visit_date) in batches of 2 days: 01-01..03, 01-03..05, 01-05..06.
// Its query reads only raw_visits and it has no hooks, so each batch is staged while the one before is published.
let adapter: DuckDbAdapter
let graph: CompiledGraph

function withInterval(
  compiled: CompiledGraph,
  name: string,
  change: { batchDays?: number; independentBatches?: boolean },
): CompiledGraph {
  const actions = compiled.actions.map((action): CompiledAction => {
    if (action.name !== name || action.kind !== 'incremental') return action
    const { definition } = action
    return { ...action, definition: { ...definition, interval: { ...definition.interval, ...change } } }
  })
  return { ...compiled, actions }
}

beforeEach(async () => {
  adapter = await memoryAdapter()
  graph = withInterval(await compileFixture('checks'), 'store_features', { batchDays: 2 })
  await seedStores(adapter)
})
afterEach(() => adapter.close())

const run = (profile = false): Promise<RunResult> =>
  runPipeline({ graph, adapter, run: testRun(), today: '2026-01-06', runsDir: null, profile })

const features = (result: RunResult) => result.actions.find((a) => a.name === 'store_features')
const dates = async (sql: string) => (await adapter.query<{ d: string }>(sql)).map((r) => r.d)

describe('batches of an action that does not read its own table', () => {
  it('stage the next batch while the one before is audited and published, and publish every batch in order', async () => {
    const result = await run(true)
    expect(result.ok).toBe(true)
    expect(features(result)?.intervals).toEqual([
      { start: '2026-01-01', end: '2026-01-03' },
      { start: '2026-01-03', end: '2026-01-05' },
      { start: '2026-01-05', end: '2026-01-06' },
    ])
    const entries = (result.profile?.entries ?? []).filter((e) => e.action === 'store_features')
    const stages = entries.filter((e) => e.kind === 'stage')
    const publishes = entries.filter((e) => e.kind === 'write' && e.label.startsWith('publish'))
    expect(stages).toHaveLength(3)
    expect(publishes).toHaveLength(3)
    // Batch 2 is staged before batch 1 is published: its stage starts before that publish ends.
    expect(stages[1]!.startMs).toBeLessThan(publishes[0]!.startMs + publishes[0]!.durationMs)
    // Publishes stay in batch order, one after another.
    expect(publishes.map((p) => p.label)).toEqual([
      'publish 2026-01-01..2026-01-03 (exclusive)',
      'publish 2026-01-03..2026-01-05 (exclusive)',
      'publish 2026-01-05..2026-01-06 (exclusive)',
    ])
    const [built] = await adapter.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM (SELECT visit_date, store_id FROM stores.store_features
         EXCEPT SELECT visit_date, store_id FROM raw.raw_visits WHERE visit_date < DATE '2026-01-06')`,
    )
    expect(built?.n).toBe(0)
    expect(await dates('SELECT DISTINCT visit_date AS d FROM stores.store_features ORDER BY 1')).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
    ])
  })

  it('publish nothing after a batch whose audit failed: later batches are staged but never audited or published', async () => {
    await adapter.execute(`UPDATE raw.raw_visits SET visitors = -1 WHERE visit_date = DATE '2026-01-02'`)
    const result = await run()
    expect(result.ok).toBe(false)
    const action = features(result)
    expect(action).toMatchObject({ status: 'failed', error: { code: 'assertion-failed' } })
    expect(action?.intervals).toEqual([{ start: '2026-01-01', end: '2026-01-02' }])
    // Checks ran on the failing batch only: no partition of a later date was judged.
    const judged = new Set(action?.checks.map((c) => c.partition).filter((p) => p !== null))
    expect([...judged].sort()).toEqual(['2026-01-01', '2026-01-02'])
    expect(await dates('SELECT DISTINCT visit_date AS d FROM stores.store_features ORDER BY 1')).toEqual(['2026-01-01'])
    expect(
      await adapter.query(
        `SELECT interval_start, interval_end FROM pipeline_state.intervals WHERE action = 'store_features'`,
      ),
    ).toEqual([{ interval_start: '2026-01-01', interval_end: '2026-01-02' }])
    // The failing batch's dates from 01-02 are kept for inspection; the unaudited next batch left nothing behind.
    expect(await dates('SELECT DISTINCT visit_date AS d FROM stores.store_features__staging ORDER BY 1')).toEqual([
      '2026-01-02',
    ])
    // Fixed, the next run builds the rest.
    await adapter.execute(`UPDATE raw.raw_visits SET visitors = 5 WHERE visitors = -1`)
    const second = await run()
    expect(second.ok).toBe(true)
    expect(features(second)?.intervals).toEqual([
      { start: '2026-01-02', end: '2026-01-04' },
      { start: '2026-01-04', end: '2026-01-06' },
    ])
    expect(await dates('SELECT DISTINCT visit_date AS d FROM stores.store_features ORDER BY 1')).toHaveLength(5)
  })
})

describe('batches declared independent (interval.independentBatches), with hooks', () => {
  // forecasts: one batch a day, a log row 'started' by beforeBatch, 'completed' in the publish, 'failed' by onFailure.
  let hooked: DuckDbAdapter
  beforeEach(async () => {
    hooked = await memoryAdapter()
    await hooked.execute(`CREATE SCHEMA raw;
      CREATE TABLE raw.scores AS SELECT * FROM (VALUES (DATE '2026-01-01', 'x', 1.0::DOUBLE), (DATE '2026-01-02', 'x', 3.0), (DATE '2026-01-03', 'x', 4.0)) t(day, item, value);
      CREATE TABLE raw.forecast_log (run_id VARCHAR, interval_start DATE, status VARCHAR, rows_after BIGINT,
        CHECK (status <> 'completed' OR interval_start <> DATE '2026-01-02'))`)
  })
  afterEach(async () => hooked.close())

  it('end a batch staged after a failed one with its onFailure hooks: no log row is left started', async () => {
    const forecasts = withInterval(await compileFixture('forecasts'), 'forecasts', { independentBatches: true })
    const result = await runPipeline({
      graph: forecasts,
      adapter: hooked,
      run: testRun(),
      today: '2026-02-01',
      from: '2026-01-01',
      to: '2026-01-03',
      runsDir: null,
    })
    // Day 2's publish fails (the log refuses to complete it): day 1 is published, day 3 was staged but never published.
    const action = result.actions.find((a) => a.name === 'forecasts')
    expect(action?.status).toBe('failed')
    expect(action?.intervals).toEqual([{ start: '2026-01-01', end: '2026-01-02' }])
    expect(await hooked.query('SELECT DISTINCT day FROM analytics.forecasts ORDER BY 1')).toEqual([
      { day: '2026-01-01' },
    ])
    expect(await hooked.query('SELECT interval_start, status FROM raw.forecast_log ORDER BY interval_start')).toEqual([
      { interval_start: '2026-01-01', status: 'completed' },
      { interval_start: '2026-01-02', status: 'failed' },
      { interval_start: '2026-01-03', status: 'failed' },
    ])
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { firstFailingDate } from '../../src/runner/partial-publish.js'
import type { CheckResult } from '../../src/runner/result.js'
import type { RunResult } from '../../src/runner/result.js'
import { runPipeline } from '../../src/runner/run.js'
import { seedStores } from '../assertions/support.js'
import { compileFixture, memoryAdapter, testRun } from '../support/fixtures.js'

// store_features covers 2026-01-01..05 in one batch (batchDays 31) and is audited per visit_date.
let adapter: DuckDbAdapter
let graph: CompiledGraph

beforeEach(async () => {
  adapter = await memoryAdapter()
  graph = await compileFixture('checks')
  await seedStores(adapter)
})
afterEach(async () => {
  await adapter.close()
})

function run(): Promise<RunResult> {
  return runPipeline({
    graph,
    adapter,
    run: testRun({ startedAt: '2026-01-06T06:00:00.000Z' }),
    today: '2026-01-06',
    runsDir: null,
  })
}

const features = (result: RunResult) => result.actions.find((a) => a.name === 'store_features')
const dates = async (sql: string) => (await adapter.query<{ d: string }>(sql)).map((r) => r.d)

describe('a batch whose audit fails on date D', () => {
  it('publishes the dates before D, records them done, stops at D and keeps D on staged for inspection', async () => {
    await adapter.execute(`UPDATE raw.raw_visits SET visitors = -1 WHERE visit_date >= DATE '2026-01-04'`)
    const result = await run()
    expect(result.ok).toBe(false)
    const action = features(result)
    expect(action).toMatchObject({ status: 'failed', error: { code: 'assertion-failed' } })
    expect(action?.error?.message).toMatch(
      /failed from 2026-01-04; the dates before it passed and were published \(2026-01-01\.\.2026-01-04 exclusive\)/,
    )
    expect(action?.intervals).toEqual([{ start: '2026-01-01', end: '2026-01-04' }])
    expect(action?.rowsWritten).toBe(30)
    expect(await dates('SELECT DISTINCT visit_date AS d FROM stores.store_features ORDER BY 1')).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
    ])
    expect(
      await adapter.query(
        `SELECT interval_start, interval_end FROM pipeline_state.intervals WHERE action = 'store_features'`,
      ),
    ).toEqual([{ interval_start: '2026-01-01', interval_end: '2026-01-04' }])
    // The failed dates' rows are staged again for inspection, and only they
    const staging = await adapter.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'stores' AND table_name LIKE 'store_features%' AND table_name <> 'store_features'`,
    )
    expect(staging).toHaveLength(1)
    expect(await dates(`SELECT DISTINCT visit_date AS d FROM stores."${staging[0]?.table_name}" ORDER BY 1`)).toEqual([
      '2026-01-04',
      '2026-01-05',
    ])
    // Dependents still wait for the action: they are skipped, nothing downstream is written
    expect(result.actions.find((a) => a.name === 'store_scores')).toMatchObject({ status: 'skipped' })
  })

  it('builds from D only once the data is fixed', async () => {
    await adapter.execute(`UPDATE raw.raw_visits SET visitors = -1 WHERE visit_date = DATE '2026-01-03'`)
    await run()
    await adapter.execute(`UPDATE raw.raw_visits SET visitors = 5 WHERE visitors = -1`)
    const second = await run()
    expect(second.ok).toBe(true)
    expect(features(second)?.intervals).toEqual([{ start: '2026-01-03', end: '2026-01-06' }])
    const [count] = await adapter.query<{ n: number; d: number }>(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT visit_date) AS d FROM stores.store_features',
    )
    expect(count).toEqual({ n: 50, d: 5 })
  })

  it('publishes nothing when the first date fails', async () => {
    await adapter.execute(`UPDATE raw.raw_visits SET visitors = -1 WHERE visit_date = DATE '2026-01-01'`)
    const result = await run()
    expect(features(result)).toMatchObject({ status: 'failed', intervals: [] })
    expect(features(result)?.error?.message).toMatch(/nothing was published/)
    expect(await adapter.tableExists({ dataset: 'stores', name: 'store_features' })).toBe(false)
  })
})

describe('firstFailingDate', () => {
  const interval = { start: '2026-01-01', end: '2026-01-06' }
  const check = (partition: string | null, passed: boolean, severity: 'error' | 'warn' = 'error'): CheckResult => ({
    assertion: 'a.c',
    action: 'a',
    builtin: 'range',
    severity,
    partition,
    observed: 1,
    threshold: '',
    rowCount: 1,
    passed,
    skipped: false,
    message: '',
    sample: [],
  })

  it('is the earliest date among the blocking failures', () => {
    expect(
      firstFailingDate([check('2026-01-04', false), check('2026-01-03', false), check('2026-01-02', true)], interval),
    ).toBe('2026-01-03')
  })

  it('ignores warnings and passes', () => {
    expect(firstFailingDate([check('2026-01-02', false, 'warn'), check('2026-01-02', true)], interval)).toBeNull()
  })

  it('is null when a blocking failure is not on a date of the batch (a whole-batch check blocks it all)', () => {
    expect(firstFailingDate([check('2026-01-04', false), check(null, false)], interval)).toBeNull()
    expect(firstFailingDate([check('north', false)], interval)).toBeNull()
    expect(firstFailingDate([check('2026-02-01', false)], interval)).toBeNull()
  })

  it('is null when the first date of the batch fails: there is nothing before it', () => {
    expect(firstFailingDate([check('2026-01-01', false), check('2026-01-04', false)], interval)).toBeNull()
  })
})

const persistentStaging = () =>
  adapter.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'stores' AND table_name LIKE '%staging%'`,
  )

// DuckDB stages each batch in a TEMP table (written to no file); a failed batch's rows are kept on disk.
describe('staging in a TEMP table (DuckDB)', () => {
  it('writes no staging table to the warehouse when the audit passes', async () => {
    const result = await run()
    expect(result.ok).toBe(true)
    expect(result.actions.find((a) => a.name === 'store_features')?.rowsWritten).toBe(50)
    expect(await persistentStaging()).toEqual([])
  })

  it('keeps the staged rows of a failed audit in the persistent staging table until the next run', async () => {
    await adapter.execute(`UPDATE raw.raw_visits SET visitors = -1 WHERE store_id = 's03'`)
    const failed = await run()
    expect(failed.actions.find((a) => a.name === 'store_features')).toMatchObject({
      status: 'failed',
      error: { code: 'assertion-failed' },
    })
    // The target is left as it was (not created yet), the staged rows stay for inspection
    expect(await adapter.tableExists({ dataset: 'stores', name: 'store_features' })).toBe(false)
    expect(await persistentStaging()).toEqual([{ table_name: 'store_features__staging' }])
    expect(
      await adapter.query(
        `SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE visitors = -1) AS bad FROM stores.store_features__staging`,
      ),
    ).toEqual([{ n: 50, bad: 5 }])

    await adapter.execute(`UPDATE raw.raw_visits SET visitors = 7 WHERE visitors = -1`)
    const fixed = await run()
    expect(fixed.ok).toBe(true)
    expect(await adapter.query('SELECT COUNT(*) AS n FROM stores.store_features')).toEqual([{ n: 50 }])
    expect(await persistentStaging()).toEqual([])
  })
})

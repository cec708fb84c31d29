import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { RunResult } from '../../src/runner/result.js'
import { runPipeline } from '../../src/runner/run.js'
import { compileFixture, memoryAdapter, testRun } from '../support/fixtures.js'
import { seedStores } from './support.js'

let adapter: DuckDbAdapter
let graph: CompiledGraph

const RUN_DAY = { startedAt: '2026-01-06T06:00:00.000Z' }
const DOWNSTREAM = ['store_scores', 'store_feature_health', 'no_unknown_stores']

beforeEach(async () => {
  adapter = await memoryAdapter()
  graph = await compileFixture('checks')
  await seedStores(adapter)
})
afterEach(async () => {
  await adapter.close()
})

function run(overrides: { skipAssertions?: boolean } = {}): Promise<RunResult> {
  return runPipeline({ graph, adapter, run: testRun(RUN_DAY), today: '2026-01-06', runsDir: null, ...overrides })
}

function action(result: RunResult, name: string) {
  return result.actions.find((a) => a.name === name)
}

function failedChecks(result: RunResult) {
  return result.actions.flatMap((a) => a.checks).filter((c) => !c.passed)
}

describe('the checks fixture', () => {
  it('compiles every built-in, with the upstream of a relative rowCount as a dependency', () => {
    expect(graph.issues).toEqual([])
    const features = graph.actions.find((a) => a.name === 'store_features')
    expect(features?.dependencies).toEqual(['raw_visits', 'store_roster'])
    expect(new Set(features?.checks.map((c) => c.builtin))).toEqual(
      new Set([
        'uniqueKey',
        'nonNull',
        'acceptedValues',
        'range',
        'zeroShare',
        'nullShare',
        'notConstant',
        'distinctCount',
        'rowCount',
        'expression',
        'sourcesPresent',
      ]),
    )
    const health = graph.actions.find((a) => a.name === 'store_feature_health')
    expect(health).toMatchObject({ guards: 'store_features', dependencies: ['store_features'] })
    expect(health?.checks.map((c) => c.name)).toEqual([
      'store_feature_health.store_id_distinct_count',
      'store_feature_health.freshness',
      'store_feature_health.spend_not_negative',
    ])
    expect(graph.actions.find((a) => a.name === 'store_scores')?.dependencies).toEqual([
      'no_unknown_stores',
      'store_feature_health',
      'store_features',
    ])
  })

  it('passes every check on good data and records one result per check and partition', async () => {
    const result = await run()
    expect(failedChecks(result)).toEqual([])
    expect(result.ok).toBe(true)
    expect(result.actions.every((a) => a.status === 'succeeded')).toBe(true)
    const counts =
      await adapter.query(`SELECT COUNT(*) AS n, COUNT(DISTINCT assertion) AS checks FROM pipeline_state.assertion_results
      WHERE assertion LIKE 'store_features.%'`)
    expect(counts).toEqual([{ n: 12 * 5, checks: 12 }]) // 12 inline checks × 5 days
    const health =
      await adapter.query(`SELECT assertion, action, partition_value, observed, threshold, severity, passed FROM pipeline_state.assertion_results
      WHERE assertion LIKE 'store_feature_health.%' ORDER BY assertion, partition_value`)
    expect(health).toContainEqual({
      assertion: 'store_feature_health.freshness',
      action: 'store_features',
      partition_value: null,
      observed: 1,
      threshold: 'max 3 days old',
      severity: 'warn',
      passed: true,
    })
  })
})

describe('a failing error-severity assertion', () => {
  it('fails its action, skips every dependent, and the run is not ok; only the dates before the failing one are published', async () => {
    await adapter.execute(
      `UPDATE raw.raw_visits SET status = 'closed' WHERE visit_date = DATE '2026-01-02' AND store_id = 's03'`,
    )
    const result = await run()
    expect(result.ok).toBe(false)
    expect(action(result, 'store_features')).toMatchObject({ status: 'failed', error: { code: 'assertion-failed' } })
    for (const name of DOWNSTREAM)
      expect(action(result, name)).toMatchObject({ status: 'skipped', skippedBecause: 'store_features' })
    expect(failedChecks(result).map((c) => c.message)).toEqual([
      "store_features.closed_has_no_visitors failed on 2026-01-02: 1 of 10 rows break status <> 'closed' OR visitors = 0 (holds on every row)",
    ])
    // 2026-01-01 passed every check and is published; nothing from the failing 2026-01-02 on is
    expect(await adapter.query('SELECT DISTINCT visit_date FROM stores.store_features')).toEqual([
      { visit_date: '2026-01-01' },
    ])
  })

  it('writes the failing partition, observed value, threshold, severity and sample to assertion_results', async () => {
    await adapter.execute(
      `UPDATE raw.raw_visits SET visitors = -1 WHERE visit_date = DATE '2026-01-04' AND store_id IN ('s01', 's02')`,
    )
    const result = await run()
    const rows =
      await adapter.query(`SELECT run_id, assertion, action, builtin, partition_value, observed, threshold, row_count, severity, passed, skipped, message, sample
      FROM pipeline_state.assertion_results WHERE passed = FALSE`)
    expect(rows).toHaveLength(1)
    const [row] = rows
    expect(row).toMatchObject({
      run_id: result.runId,
      assertion: 'store_features.visitors_range',
      action: 'store_features',
      builtin: 'range',
      partition_value: '2026-01-04',
      observed: 2,
      threshold: 'within [0, 10000]',
      row_count: 10,
      severity: 'error',
      passed: false,
      skipped: false,
      message:
        'store_features.visitors_range failed on 2026-01-04: 2 of 10 rows have visitors outside [0, 10000] (observed -1..54) (within [0, 10000])',
    })
    const sample = typeof row?.sample === 'string' ? JSON.parse(row.sample) : row?.sample
    expect(sample.map((r: { store_id: string }) => r.store_id).sort()).toEqual(['s01', 's02'])
  })
})

describe('a failing warn-severity assertion', () => {
  it('is reported and recorded but blocks nothing', async () => {
    await adapter.execute(
      `UPDATE raw.raw_visits SET spend = NULL WHERE visit_date = DATE '2026-01-03' AND store_id IN ('s01', 's02', 's03')`,
    )
    const result = await run()
    expect(result.ok).toBe(true)
    expect(result.actions.every((a) => a.status === 'succeeded')).toBe(true)
    const [warning, ...others] = failedChecks(result)
    expect(others).toEqual([])
    expect(warning).toMatchObject({ severity: 'warn', partition: '2026-01-03', observed: 0.3 })
    expect(warning?.message).toBe(
      'store_features.spend_null_share failed on 2026-01-03: 0.30 of 10 rows have NULL spend (max 0.20)',
    )
    expect(
      await adapter.query(`SELECT severity, passed FROM pipeline_state.assertion_results WHERE passed = FALSE`),
    ).toEqual([{ severity: 'warn', passed: false }])
    expect(await adapter.query('SELECT COUNT(*) AS n FROM stores.store_scores')).toEqual([{ n: 50 }])
  })

  it('a standalone warn check fails without skipping the dependents it guards', async () => {
    const late = await runPipeline({
      graph,
      adapter,
      run: testRun({ startedAt: '2026-01-20T06:00:00.000Z' }),
      today: '2026-01-06',
      runsDir: null,
    })
    expect(late.ok).toBe(true)
    expect(failedChecks(late).map((c) => c.message)).toEqual([
      'store_feature_health.freshness failed: latest visit_date is 15 days old (max 3 days old)',
    ])
    expect(action(late, 'store_scores')?.status).toBe('succeeded')
  })
})

describe('the mission: a broken feature and a missing source stop the pipeline before downstream writes', () => {
  it('fails zeroShare for the one date where the feature is 0 on every row, and sourcesPresent for the date whose source is missing', async () => {
    await adapter.execute(`UPDATE raw.raw_visits SET promo_score = 0 WHERE visit_date = DATE '2026-01-03';
      UPDATE raw.raw_visits SET weather_source = 'none' WHERE visit_date = DATE '2026-01-04'`)
    const result = await run()
    expect(result.ok).toBe(false)
    const features = action(result, 'store_features')
    expect(features?.status).toBe('failed')
    const failures = failedChecks(result)
    const zero = failures.filter((c) => c.assertion === 'store_features.promo_score_zero_share')
    expect(zero.map((c) => c.partition)).toEqual(['2026-01-03'])
    expect(zero[0]?.message).toBe(
      'store_features.promo_score_zero_share failed on 2026-01-03: 1.00 of 10 rows are 0 or NULL (max 0.50)',
    )
    const source = failures.filter((c) => c.assertion === 'store_features.weather_source_present')
    expect(source.map((c) => [c.partition, c.observed, c.threshold])).toEqual([['2026-01-04', 0, 'min 0.80']])
    expect(source[0]?.message).toBe(
      'store_features.weather_source_present failed on 2026-01-04: 0.00 of 10 rows have a weather source (min 0.80)',
    )
    // The stuck feature is also constant that day: an error although notConstant is 'warn'
    expect(failures.find((c) => c.assertion === 'store_features.promo_score_not_constant')).toMatchObject({
      partition: '2026-01-03',
      severity: 'error',
    })
    for (const name of DOWNSTREAM)
      expect(action(result, name)).toMatchObject({ status: 'skipped', skippedBecause: 'store_features' })
    expect(await adapter.tableExists({ dataset: 'stores', name: 'store_scores' })).toBe(false)
    // Judged over the whole table the zero share is only 0.2: per-partition evaluation is what catches the day
    const [whole] = await adapter.query<{ share: number }>(
      `SELECT AVG(CASE WHEN promo_score = 0 THEN 1.0 ELSE 0 END) AS share FROM raw.raw_visits`,
    )
    expect(whole?.share).toBeCloseTo(0.2)
  })

  it('a relative rowCount fails a date the upstream roster has but the features lack', async () => {
    await adapter.execute(`DELETE FROM raw.raw_visits WHERE visit_date = DATE '2026-01-05' AND store_id > 's05'`)
    const result = await run()
    const [failure] = failedChecks(result)
    expect(failure?.message).toBe(
      "store_features.row_count failed on 2026-01-05: 5 rows, 0.50 of store_roster's 10 rows (min 0.90 of store_roster)",
    )
    expect(action(result, 'store_scores')?.status).toBe('skipped')
  })

  it('--skip-assertions builds everything and is recorded in the run', async () => {
    await adapter.execute(`UPDATE raw.raw_visits SET promo_score = 0 WHERE visit_date = DATE '2026-01-03'`)
    const result = await run({ skipAssertions: true })
    expect(result.ok).toBe(true)
    expect(failedChecks(result)).toEqual([])
    expect(await adapter.query('SELECT skip_assertions FROM pipeline_state.runs')).toEqual([{ skip_assertions: true }])
  })
})

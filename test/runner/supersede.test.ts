import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { runPipeline } from '../../src/runner/run.js'
import { compileFixture, memoryAdapter, testRun } from '../support/fixtures.js'

let adapter: DuckDbAdapter
let graph: CompiledGraph
const SHA_A = 'a'.repeat(40)
const SHA_B = 'b'.repeat(40)

beforeEach(async () => {
  adapter = await memoryAdapter()
  graph = await compileFixture('forecasts')
  await adapter.execute(`CREATE SCHEMA raw;
    CREATE TABLE raw.scores AS SELECT * FROM (VALUES (DATE '2026-01-01', 'x', 1.0::DOUBLE), (DATE '2026-01-01', 'y', 2.0), (DATE '2026-01-02', 'x', 3.0)) t(day, item, value);
    CREATE TABLE raw.forecast_log (run_id VARCHAR, interval_start DATE, status VARCHAR, rows_after BIGINT)`)
})
afterEach(async () => adapter.close())

const run = (sha: string, restate = false) =>
  runPipeline({
    graph,
    adapter,
    run: testRun({ buildCommitSha: sha }),
    today: '2026-02-01',
    restate,
    from: '2026-01-01',
    to: '2026-01-02',
  })

const active = () =>
  adapter.query('SELECT day, item, value, build_commit_sha FROM analytics.forecasts WHERE is_active ORDER BY day, item')
const counts = () =>
  adapter.query(
    'SELECT COUNT(*) AS total, COUNT(CASE WHEN is_active THEN 1 END) AS active, COUNT(CASE WHEN superseded THEN 1 END) AS superseded FROM analytics.forecasts',
  )

describe('the supersede write strategy', () => {
  it('inserts new rows active with engine-generated ids and writes the hooks', async () => {
    const result = await run(SHA_A)
    expect(result.ok).toBe(true)
    expect(await counts()).toEqual([{ total: 3, active: 3, superseded: 0 }])
    const ids = await adapter.query<{ forecast_id: string }>('SELECT forecast_id FROM analytics.forecasts')
    expect(new Set(ids.map((r) => r.forecast_id)).size).toBe(3)
    expect(ids[0]?.forecast_id).toMatch(/^[0-9a-f-]{36}$/)
    // one log row per batch (batchDays 1), completed inside each publish transaction
    expect(
      await adapter.query('SELECT interval_start, status, rows_after FROM raw.forecast_log ORDER BY interval_start'),
    ).toEqual([
      { interval_start: '2026-01-01', status: 'completed', rows_after: 2 },
      { interval_start: '2026-01-02', status: 'completed', rows_after: 3 },
    ])
  })

  it('changes nothing when the same code re-runs on the same inputs (idempotent)', async () => {
    await run(SHA_A)
    const before = await adapter.query('SELECT * FROM analytics.forecasts ORDER BY forecast_id')
    const again = await run(SHA_A, true)
    expect(again.actions.find((a) => a.name === 'forecasts')?.rowsWritten).toBe(0)
    expect(await adapter.query('SELECT * FROM analytics.forecasts ORDER BY forecast_id')).toEqual(before)
  })

  it('supersedes the active row when inputs change, keeping every row and one active per key', async () => {
    await run(SHA_A)
    const old = await adapter.query<{ forecast_id: string }>(
      `SELECT forecast_id FROM analytics.forecasts WHERE day = DATE '2026-01-01' AND item = 'x'`,
    )
    await adapter.execute(`UPDATE raw.scores SET value = 10.0 WHERE item = 'x' AND day = DATE '2026-01-01'`)
    const result = await run(SHA_A, true)
    expect(result.actions.find((a) => a.name === 'forecasts')?.rowsWritten).toBe(1)
    expect(await counts()).toEqual([{ total: 4, active: 3, superseded: 1 }])
    const retired = await adapter.query<{
      is_active: boolean
      superseded: boolean
      superseded_reason: string
      superseded_by: string
      superseded_at: string | null
    }>(
      `SELECT is_active, superseded, superseded_reason, superseded_by, superseded_at FROM analytics.forecasts WHERE forecast_id = '${old[0]?.forecast_id}'`,
    )
    const replacement = await adapter.query<{ forecast_id: string; value: number }>(
      `SELECT forecast_id, value FROM analytics.forecasts WHERE is_active AND item = 'x' AND day = DATE '2026-01-01'`,
    )
    expect(retired[0]).toMatchObject({
      is_active: false,
      superseded: true,
      superseded_reason: `daily:${SHA_A}`,
      superseded_by: replacement[0]?.forecast_id,
    })
    expect(retired[0]?.superseded_at).not.toBeNull()
    expect(replacement[0]?.value).toBe(20)
  })

  it('supersedes every row of the range when the code that writes it changes', async () => {
    await run(SHA_A)
    await run(SHA_B, true)
    expect(await counts()).toEqual([{ total: 6, active: 3, superseded: 3 }])
    expect((await active()).every((r) => r.build_commit_sha === SHA_B)).toBe(true)
  })
})

/**
 * Legacy incident I-4 replayed on the generated sample: pace_score written as 0.0 for every row of
 * a range of dates. A-04a (share of non-zero pace_score >= 0.10, an error) fails on exactly the
 * damaged dates it judges (slates of 3+ games), the feature store publishes nothing of that batch,
 * and the weeks published before it are left as they were. The run starts from the replays' sample
 * built by healthy code through PUBLISHED_TO (the day before I4_RANGE; its checks passed when it was
 * built), so it builds the damaged weeks and the days after them only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { RunResult } from '../../src/runner/result.js'
import { I4_RANGE, zeroPaceCompositeFactors } from '../fixtures/features/incident-i4.js'
import { compileReal, run } from '../predictions/support.js'
import { fingerprint } from '../incidents/support.js'
import { PUBLISHED_TO, builtSample } from './incident-replay.js'

const CHECK = 'ml_feature_store_v2.pace_score_nonzero_share'
const FS = 'nba_predictions.ml_feature_store_v2'
const PCF = 'nba_precompute.player_composite_factors'

let adapter: DuckDbAdapter
let healthy: CompiledGraph
let broken: CompiledGraph

function failed(result: RunResult, check: string): string[] {
  return result.actions
    .flatMap((a) => a.checks)
    .filter((c) => c.assertion === check && !c.passed && !c.skipped)
    .map((c) => String(c.partition))
    .sort()
}

beforeAll(async () => {
  adapter = await builtSample()
  healthy = await compileReal()
  broken = await compileReal('duckdb', [zeroPaceCompositeFactors])
}, 60_000)
afterAll(async () => adapter.close())

describe('I-4: pace_score written as 0.0 for a range of dates', () => {
  let damaged: RunResult
  /** The store's rows published before the run, one fingerprint per date. */
  let published: Map<string, string>
  beforeAll(async () => {
    published = await fingerprint(adapter, FS)
    damaged = await run(broken, adapter, {
      selection: { actions: ['ml_feature_store_v2'], includeDeps: true },
      skipAssertions: false,
    })
  }, 180_000)

  it('fails A-04a on exactly the damaged dates of 3+ games and publishes nothing of their batch', async () => {
    const judged = await adapter.query<{ d: string }>(`SELECT CAST(game_date AS VARCHAR) AS d FROM ${PCF}
      WHERE game_date BETWEEN DATE '${I4_RANGE.from}' AND DATE '${I4_RANGE.to}' AND NOT early_season_flag
      GROUP BY game_date HAVING COUNT(*) >= 60 ORDER BY 1`)
    expect(judged.length).toBeGreaterThan(3)
    expect(failed(damaged, CHECK)).toEqual(judged.map((r) => r.d))
    const store = damaged.actions.find((a) => a.name === 'ml_feature_store_v2')
    expect(store?.status).toBe('failed')
    expect(store?.error?.code).toBe('assertion-failed')
    expect(store?.error?.message).toMatch(
      /pace_score_nonzero_share failed on 2024-12-\d\d: 1\.00 of \d+ rows are 0 or NULL \(max 0\.90\)/,
    )
    const [inRange] = await adapter.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${FS} WHERE game_date BETWEEN DATE '${I4_RANGE.from}' AND DATE '${I4_RANGE.to}'`,
    )
    expect(Number(inRange?.n)).toBe(0)
    const [before] = await adapter.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${FS} WHERE game_date <= DATE '${PUBLISHED_TO}'`,
    )
    expect(Number(before?.n)).toBeGreaterThan(1000)
    const after = await fingerprint(adapter, FS)
    for (const [date, print] of published) expect(after.get(date), `${FS} ${date}`).toBe(print)
  })

  it('builds the range once the fixed code restates the composite factors', async () => {
    const fixed = await run(healthy, adapter, {
      selection: { actions: ['player_composite_factors', 'ml_feature_store_v2'] },
      from: I4_RANGE.from,
      to: I4_RANGE.to,
      restate: true,
    })
    expect(
      fixed.actions
        .filter((a) => a.status !== 'succeeded')
        .map((a) => `${a.name}: ${a.error?.message ?? a.skippedBecause}`),
    ).toEqual([])
    expect(failed(fixed, CHECK)).toEqual([])
    const [share] = await adapter.query<{
      nonzero: number
    }>(`SELECT AVG(CASE WHEN pace_score <> 0 THEN 1.0 ELSE 0.0 END) AS nonzero FROM ${FS}
      WHERE game_date BETWEEN DATE '${I4_RANGE.from}' AND DATE '${I4_RANGE.to}' AND NOT early_season_flag`)
    expect(Number(share?.nonzero)).toBeGreaterThan(0.5)
  })
})

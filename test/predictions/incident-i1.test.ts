import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { loadReports, runReport } from '../../src/reports/run-report.js'
import type { ReportRow } from '../../src/reports/run-report.js'
import type { RunResult } from '../../src/runner/result.js'
import { REPO_ROOT } from '../support/fixtures.js'
import { I1_RANGE, brokenServingPredictions } from '../fixtures/predictions/incident-i1.js'
import { OURS, SHA_B, SHA_C, action, compileReal, i1Sample, rows, run } from './support.js'

/**
 * Legacy incident I-1 replayed: the Vegas and PPM inputs reach the model as defaults for
 * 2026-01-09..01-28. The assertions stop the run before any prediction of those dates is written;
 * forced through (skipAssertions) the rows are written with the defaults; the fixed code
 * supersedes them, and grading keeps both versions for the before/after comparison by build.
 *
 * Forced through, the range's hit rate falls towards 0.5 and its MAE rises past the Vegas MAE, as
 * the legacy system saw (DOMAIN §7.1: 74% → 52%, MAE 4.3 → 5.8): the sample's line carries pre-game
 * news no box score has (scripts/seed), so a model fed no line bets against the news.
 */
const PPP = 'nba_predictions.player_prop_predictions'
const LOG = 'nba_predictions.prediction_execution_log'
const range = { from: I1_RANGE.from, to: I1_RANGE.to }

let adapter: DuckDbAdapter
let healthy: CompiledGraph
let broken: CompiledGraph

async function hitRate(by?: 'build'): Promise<{ rows: readonly ReportRow[]; total: ReportRow | null }> {
  return runReport({
    graph: healthy,
    adapter,
    reports: await loadReports(REPO_ROOT),
    request: { name: 'hit-rate', ...range, ...(by ? { by } : {}) },
  })
}

beforeAll(async () => {
  healthy = await compileReal()
  broken = await compileReal('duckdb', [brokenServingPredictions])
})
// Each test starts from its own copy of the sample built by healthy code up to the day before the range,
// so the tests hold in any order and alone.
beforeEach(async () => {
  adapter = await i1Sample()
}, 300_000)
afterEach(async () => adapter.close())

/** The broken code forced through the range (skipAssertions), as the legacy system let it through. */
function forceThrough(): Promise<RunResult> {
  return run(broken, adapter, { selection: { actions: OURS }, ...range, sha: SHA_B, skipAssertions: true })
}

describe('I-1: Vegas and PPM reach the model as defaults', () => {
  it('is blocked by the assertions before any prediction of the range is written', async () => {
    const result = await run(broken, adapter, { selection: { actions: OURS }, ...range, sha: SHA_B })
    const predictions = action(result, 'player_prop_predictions')
    expect(predictions.status).toBe('failed')
    expect(predictions.error?.code).toBe('assertion-failed')
    expect(predictions.error?.message).toMatch(/a01a_has_vegas_line_fed/)
    expect(action(result, 'prediction_accuracy').status).toBe('skipped')
    const [written] = await rows<{ n: number }>(
      adapter,
      `SELECT COUNT(*) AS n FROM ${PPP} WHERE game_date BETWEEN DATE '${range.from}' AND DATE '${range.to}'`,
    )
    expect(written?.n).toBe(0)
    const log = await rows<{ status: string; error_message: string }>(
      adapter,
      `SELECT DISTINCT status, error_message FROM ${LOG} WHERE build_commit_sha = '${SHA_B}'`,
    )
    expect(log.map((l) => l.status)).toEqual(['failed'])
    expect(log[0]?.error_message).toMatch(/a01a_has_vegas_line_fed/)
  })

  it('forced through, writes the rows with the defaults fed and the coverage shares at 0', async () => {
    const healthyBefore = (await hitRate()).total
    expect(healthyBefore).toBeNull()
    const forced = await forceThrough()
    expect(forced.ok).toBe(true)
    const fed = await rows<{ hv: number; ppm: number }>(
      adapter,
      `SELECT AVG(CAST(json_extract_string(critical_features, '$.has_vegas_line') AS DOUBLE)) AS hv,
      AVG(CAST(json_extract_string(critical_features, '$.ppm_avg_last_10') AS DOUBLE)) AS ppm
      FROM ${PPP} WHERE is_active AND line_source = 'ACTUAL_PROP' AND game_date BETWEEN DATE '${range.from}' AND DATE '${range.to}'`,
    )
    expect(fed[0]?.hv).toBe(0)
    expect(fed[0]?.ppm).toBeCloseTo(0.4, 9)
    const shares = await rows<{ vegas: number; ppm: number }>(
      adapter,
      `SELECT MAX(share_with_vegas_line) AS vegas, MAX(share_with_ppm) AS ppm FROM ${LOG} WHERE build_commit_sha = '${SHA_B}' AND status = 'completed'`,
    )
    expect(shares[0]).toEqual({ vegas: 0, ppm: 0 })
  })

  it('is superseded by the fixed code; both versions stay graded for the comparison', async () => {
    expect((await forceThrough()).ok).toBe(true)
    const fixed = await run(healthy, adapter, { selection: { actions: OURS }, ...range, restate: true, sha: SHA_C })
    expect(
      fixed.actions
        .filter((a) => a.status !== 'succeeded')
        .map((a) => `${a.name}: ${a.error?.message ?? a.skippedBecause}`),
    ).toEqual([])
    const report = await hitRate('build')
    const byBuild = new Map(report.rows.map((r) => [r.group_key, r]))
    const bad = byBuild.get(SHA_B)
    const good = byBuild.get(SHA_C)
    expect(bad && good).toBeTruthy()
    console.log(`I-1 replay ${range.from}..${range.to}: forced ${JSON.stringify(bad)}\n  fixed ${JSON.stringify(good)}`)
    expect(bad?.graded).toBe(good?.graded)
    expect(bad?.vegas_mae).toBe(good?.vegas_mae)
    expect(Number(good?.hit_rate)).toBeGreaterThan(0.58)
    expect(Number(good?.mae)).toBeLessThan(Number(good?.vegas_mae))
    // the collapse: hit rate and high-edge hit rate fall towards 0.5, the MAE rises past Vegas
    expect(Number(bad?.hit_rate)).toBeLessThan(Math.min(0.62, Number(good?.hit_rate) - 0.08))
    expect(Number(bad?.high_edge_hit_rate)).toBeLessThan(Number(good?.high_edge_hit_rate) - 0.1)
    expect(Number(bad?.mae)).toBeGreaterThan(Math.max(Number(good?.mae) + 1.0, Number(bad?.vegas_mae)))
    expect(report.total?.hit_rate).toBe(good?.hit_rate)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { printRunSummary } from '../../src/cli/run-summary.js'
import type { RunResult } from '../../src/runner/result.js'
import { playerCompositeFactors } from '../../definitions/precompute/player-composite-factors.js'
import { replaceColumns } from '../incidents/support.js'
import { SHA_B, SHA_C, compileReal, i1Sample, run } from '../predictions/support.js'

/**
 * I-3 as the operator lived it (issue 13): usage_spike_score written as zero by a bad change, forced
 * through with --skip-assertions, then the code reverted. The next daily run must not say "succeeded"
 * and nothing else: it re-checks the forced dates and reports them UNVERIFIED, with the run that forced
 * them, its reason, the failing check and the command that rebuilds them.
 */
const FORCED = { from: '2026-01-12', to: '2026-01-18' }
const REASON = 'replay I-3: usage spike forced through'
const ZERO = `CASE WHEN game_date BETWEEN DATE '${FORCED.from}' AND DATE '${FORCED.to}' THEN 0 ELSE usage_spike_score END`

let adapter: DuckDbAdapter
let daily: RunResult

beforeAll(async () => {
  adapter = await i1Sample()
  const broken = await compileReal('duckdb', [replaceColumns(playerCompositeFactors, { usage_spike_score: ZERO })])
  const forced = await run(broken, adapter, {
    selection: { actions: ['player_composite_factors', 'ml_feature_store_v2'] },
    ...FORCED,
    restate: true,
    skipAssertions: true,
    reason: REASON,
    sha: SHA_B,
  })
  expect(forced.ok).toBe(true)
  // The code is reverted; the next daily run builds what is missing (nothing upstream: the forced dates are recorded).
  daily = await run(await compileReal(), adapter, {
    selection: { actions: ['player_composite_factors', 'ml_feature_store_v2'] },
    sha: SHA_C,
  })
}, 240_000)
afterAll(async () => adapter?.close())

describe('the daily run after a forced zeroed feature', () => {
  it('reports the forced dates unverified, with the forcing run, its reason and the failing check', () => {
    const store = daily.unverified?.find((u) => u.action === 'ml_feature_store_v2')
    expect(store?.intervals.map((i) => i.start).sort()[0]).toBe(FORCED.from)
    expect(store?.writtenBy.map((w) => w.reason)).toEqual([REASON])
    expect(store?.failing.map((f) => f.assertion)).toContain('ml_feature_store_v2.usage_spike_score_not_constant')
    const factors = daily.unverified?.find((u) => u.action === 'player_composite_factors')
    expect(factors?.failing.map((f) => f.assertion)).toContain(
      'player_composite_factors.usage_spike_score_not_constant',
    )
  })

  it('prints them in the run summary, with the command that rebuilds them', () => {
    let out = ''
    printRunSummary({ stdout: (t) => (out += t), stderr: () => undefined, isTty: false }, daily)
    expect(out).toMatch(
      new RegExp(
        `UNVERIFIED ml_feature_store_v2: \\d+ interval\\(s\\) ${FORCED.from}\\.\\.${FORCED.to} written with --skip-assertions by run [^ ]+ \\(reason: ${REASON}\\); re-checked, still failing:`,
      ),
    )
    expect(out).toMatch(/usage_spike_score_not_constant failed on 2026-01-1\d: stddev 0 and 1 distinct value/)
    expect(out).toContain(
      `rebuild them: pipeline run --actions ml_feature_store_v2 --from ${FORCED.from} --to ${FORCED.to} --restate`,
    )
  })
})

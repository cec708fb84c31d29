import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { RunResult } from '../../src/runner/result.js'
import { memoryAdapter } from '../support/fixtures.js'
import { I1_RANGE, brokenServingPredictions } from '../fixtures/predictions/incident-i1.js'
import {
  OURS,
  SHA_A,
  SHA_B,
  SHA_C,
  UPSTREAM,
  action,
  compileReal,
  migrate,
  rows,
  run,
  seed,
} from '../predictions/support.js'

/**
 * I-1 replayed as the operator lives it: the hit-rate monitors run whether or not an upstream check
 * failed and under --skip-assertions; the forced intervals are recorded unverified, and the next
 * daily run re-checks and reports them until the fixed code rebuilds them.
 */
const range = { from: I1_RANGE.from, to: I1_RANGE.to }
const MONITORS = ['catboost_v8_daily_hit_rate_warn', 'catboost_v8_daily_hit_rate_floor', 'catboost_v8_hit_rate_streak']

let adapter: DuckDbAdapter
let healthy: CompiledGraph
let broken: CompiledGraph

function monitorChecks(result: RunResult) {
  return result.actions.filter((a) => MONITORS.includes(a.name))
}

beforeAll(async () => {
  adapter = await memoryAdapter()
  healthy = await compileReal()
  broken = await compileReal('duckdb', [brokenServingPredictions])
  await migrate(adapter)
  await seed(adapter, { seasons: 1, through: I1_RANGE.to })
  const upstream = await run(healthy, adapter, {
    selection: { actions: UPSTREAM, includeDeps: true },
    skipAssertions: true,
    reason: 'upstream of the replay; its own suite checks it',
    from: '2025-10-01',
  })
  expect(upstream.ok).toBe(true)
  const before = await run(healthy, adapter, {
    selection: { actions: OURS },
    from: '2025-10-01',
    to: '2026-01-08',
    sha: SHA_A,
  })
  expect(before.ok).toBe(true)
}, 300_000)
afterAll(async () => adapter.close())

describe('monitors observe and are never skipped', () => {
  it('marks the hit-rate floors, streak and coverage checks as monitors in their definitions', () => {
    const monitors = healthy.actions.filter((a) => a.kind === 'assertion' && a.definition.monitor).map((a) => a.name)
    expect(monitors).toEqual(expect.arrayContaining([...MONITORS, 'a12b_grading_coverage', 'a13a_line_coverage_error']))
    expect(monitors).not.toContain('a18_unique_prediction_id')
  })

  it('run the hit-rate monitors when an upstream prediction check failed, while the others are skipped', async () => {
    const result = await run(broken, adapter, {
      selection: { actions: OURS, includeDependents: true },
      ...range,
      sha: SHA_B,
    })
    expect(action(result, 'player_prop_predictions').status).toBe('failed')
    expect(action(result, 'prediction_accuracy').status).toBe('skipped')
    expect(action(result, 'a18_unique_prediction_id').status).toBe('skipped')
    for (const monitor of monitorChecks(result)) {
      expect(monitor.status, monitor.name).toBe('succeeded')
      expect(monitor.checks.length, monitor.name).toBeGreaterThan(0)
    }
    expect(monitorChecks(result)).toHaveLength(3)
  })

  it('run under --skip-assertions and fire on the forced range; its intervals are recorded unverified with the reason', async () => {
    const reason = 'replay I-1: serving defaults forced through'
    const forced = await run(broken, adapter, {
      selection: { actions: OURS, includeDependents: true },
      ...range,
      sha: SHA_B,
      skipAssertions: true,
      reason,
    })
    expect(forced.ok).toBe(true)
    const warn = action(forced, 'catboost_v8_daily_hit_rate_warn')
    const below = warn.checks.filter((c) => !c.passed && c.partition !== null && c.partition >= range.from)
    expect(below.length).toBeGreaterThan(0)
    const [unverified] = await rows<{ n: number; reasons: string }>(
      adapter,
      `SELECT COUNT(*) AS n, string_agg(DISTINCT r.reason, '|') AS reasons FROM pipeline_state.intervals i
       JOIN pipeline_state.runs r USING (run_id) WHERE i.action = 'player_prop_predictions' AND i.verified = false`,
    )
    expect(Number(unverified?.n)).toBeGreaterThan(0)
    expect(unverified?.reasons).toBe(reason)
  })

  it('the next daily run re-checks the unverified intervals and reports them, until the fixed code rebuilds them', async () => {
    const daily = await run(healthy, adapter, { selection: { actions: OURS }, ...range, sha: SHA_C })
    const report = daily.unverified?.find((u) => u.action === 'player_prop_predictions')
    expect(report?.intervals[0]?.start).toBe(range.from)
    expect(report?.writtenBy[0]?.reason).toBe('replay I-1: serving defaults forced through')
    expect(report?.failing.map((f) => f.assertion).join(' ')).toMatch(
      /a01a_has_vegas_line_fed.*a01b_ppm_fed_real|a01b_ppm_fed_real.*a01a_has_vegas_line_fed/,
    )

    const fixed = await run(healthy, adapter, { selection: { actions: OURS }, ...range, restate: true, sha: SHA_C })
    expect(fixed.ok).toBe(true)
    expect(fixed.unverified).toBeUndefined()
    // The forced records stay (nothing is deleted); the fixed run's records cover them.
    const [left] = await rows<{ forced: number; fixed: number }>(
      adapter,
      `SELECT COUNT(*) FILTER (WHERE verified = false) AS forced, COUNT(*) FILTER (WHERE build_commit_sha = '${SHA_C}' AND verified) AS fixed
       FROM pipeline_state.intervals WHERE action = 'player_prop_predictions' AND interval_start >= DATE '${range.from}'`,
    )
    expect(Number(left?.forced)).toBeGreaterThan(0)
    expect(Number(left?.fixed)).toBeGreaterThan(0)
  })
})

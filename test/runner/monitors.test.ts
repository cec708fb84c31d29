import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeHtmlReport } from '../../src/cli/commands/report-html.js'
import { loadCharts, queryCharts } from '../../src/reports/charts.js'
import { findChromium, headless, pageErrors } from '../support/chromium.js'
import { scratchDir } from '../support/scratch.js'
import { collectStatus } from '../../src/runner/status.js'
import { formatStatus } from '../../src/cli/commands/status.js'
import type { Adapter } from '../../src/engines/adapter.js'

/** The shared warehouse as status opens it: closing it is a no-op (the suite keeps using it). */
function keepOpen(target: Adapter): Adapter {
  return new Proxy(target, {
    get: (t, p) => {
      if (p === 'close') return async () => undefined
      const value: unknown = Reflect.get(t, p, t)
      return typeof value === 'function' ? value.bind(t) : value
    },
  })
}
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { RunResult } from '../../src/runner/result.js'
import { loadReports, runReport, formatReport } from '../../src/reports/run-report.js'
import { REPO_ROOT, testRun } from '../support/fixtures.js'
import { loadDailyChecks } from '../../src/reports/daily-checks.js'
import { validateDaily } from '../../src/runner/validate-daily.js'
import { formatValidation } from '../../src/cli/commands/validate-daily.js'
import { I1_RANGE, brokenServingPredictions } from '../fixtures/predictions/incident-i1.js'
import { OURS, SHA_A, SHA_B, SHA_C, action, compileReal, i1Sample, rows, run } from '../predictions/support.js'

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
  healthy = await compileReal()
  broken = await compileReal('duckdb', [brokenServingPredictions])
  adapter = await i1Sample()
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
    // The alert carries the observed value and the threshold.
    for (const c of below) expect(c.message).toMatch(/failed on 2026-01-\d\d: hit rate 0\.\d{3} < 0\.55 \(min 0\.55\)/)
    expect(below.every((c) => c.observed !== null && c.observed < 0.55)).toBe(true)
    const [unverified] = await rows<{ n: number; reasons: string }>(
      adapter,
      `SELECT COUNT(*) AS n, string_agg(DISTINCT r.reason, '|') AS reasons FROM pipeline_state.intervals i
       JOIN pipeline_state.runs r USING (run_id) WHERE i.action = 'player_prop_predictions' AND i.verified = false`,
    )
    expect(Number(unverified?.n)).toBeGreaterThan(0)
    expect(unverified?.reasons).toBe(reason)
  })

  it('validate-daily on 2026-01-23 alerts with the days below 55 % and their hit rates, and the unverified intervals', async () => {
    const result = await validateDaily({
      graph: healthy,
      adapter,
      run: testRun(),
      date: '2026-01-23',
      checks: await loadDailyChecks(REPO_ROOT),
    })
    expect(result.ok).toBe(false)
    const days = result.alerts.filter((a) => a.check === 'rolling_hit_rate' && /^2026-01-\d\d$/.test(a.subject))
    expect(days.length).toBeGreaterThan(0)
    for (const day of days) {
      expect(day.subject >= '2026-01-16' && day.subject <= '2026-01-22').toBe(true)
      expect(day.message).toMatch(new RegExp(`^hit rate 0\\.\\d{3} < 0\\.550 \\[${day.subject}\\]$`))
      expect(day.observed).toBeLessThan(0.55)
    }
    expect(
      result.alerts.some((a) => a.check === 'unverified_intervals' && a.subject === 'player_prop_predictions'),
    ).toBe(true)
    // status says so too, with the forcing run and its reason
    const status = await collectStatus({
      runsDir: scratchDir('pipeline-status-'),
      root: REPO_ROOT,
      graph: healthy,
      openReadOnly: async () => keepOpen(adapter),
      today: '2026-01-29',
    })
    const forced = status.unverified?.filter((u) => u.action === 'player_prop_predictions') ?? []
    expect(forced.length).toBeGreaterThan(0)
    expect(forced[0]?.reason).toBe('replay I-1: serving defaults forced through')
    expect(formatStatus(status, new Date('2026-01-29T07:00:00Z'))).toMatch(
      /unverified intervals \(written with --skip-assertions; re-checked by every run until they pass or are rebuilt\): \d+\n {2}player_prop_predictions 2026-01-\d\d\.\.2026-01-\d\d by run /,
    )
    expect(formatValidation(result)).toMatch(/^ALERT rolling_hit_rate: hit rate 0\.\d{3} < 0\.550 \[2026-01-\d\d\]$/m)
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
    const morning = await validateDaily({
      graph: healthy,
      adapter,
      run: testRun(),
      date: '2026-01-23',
      checks: await loadDailyChecks(REPO_ROOT),
    })
    expect(morning.alerts.filter((a) => /hit_rate|unverified/.test(a.check))).toEqual([])
  })

  it('report --by build lists builds in the order they first ran, marking the superseded and the forced one', async () => {
    const report = await runReport({
      graph: healthy,
      adapter,
      reports: await loadReports(REPO_ROOT),
      request: { name: 'hit-rate', by: 'build' },
    })
    expect(report.rows.map((r) => r.group_key)).toEqual([SHA_A, SHA_B, SHA_C])
    const byBuild = new Map(report.rows.map((r) => [r.group_key, r]))
    expect(byBuild.get(SHA_B)).toMatchObject({ superseded_share: 1, forced_runs: 1 })
    expect(byBuild.get(SHA_C)).toMatchObject({ superseded_share: 0, forced_runs: 0 })
    expect(String(byBuild.get(SHA_A)?.first_run) < String(byBuild.get(SHA_B)?.first_run)).toBe(true)
    const text = formatReport(report)
    expect(text).toMatch(/first run +superseded +forced runs/)
  })

  const chromium = findChromium()
  if (!chromium)
    console.warn('report html in headless Chromium: skipped, chromium is not installed (apt-get install -y chromium)')
  it.skipIf(!chromium)(
    'report html renders its charts in headless Chromium without console errors (a screenshot; PIPELINE_UPDATE_SCREENSHOT=1 writes docs/report-html.png)',
    async () => {
      const out = join(scratchDir('pipeline-html-'), 'report.html')
      const charts = await writeHtmlReport(healthy, adapter, {
        root: REPO_ROOT,
        out,
        now: new Date('2026-01-29T07:00:00Z'),
      })
      expect(charts).toBe(5)
      const html = readFileSync(out, 'utf8')
      expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
      const url = pathToFileURL(out).href
      // The README's picture is rewritten only on request, so a test run leaves the checkout clean.
      const screenshot =
        process.env.PIPELINE_UPDATE_SCREENSHOT === '1'
          ? join(REPO_ROOT, 'docs', 'report-html.png')
          : join(scratchDir('pipeline-shot-'), 'report-html.png')
      // One browser start serves both: the DOM after the charts rendered, and the picture.
      const page = await headless(
        chromium ?? '',
        ['--dump-dom', `--screenshot=${screenshot}`, '--window-size=1200,2700'],
        url,
      )
      expect((page.stdout.match(/<svg/g) ?? []).length).toBe(5)
      expect(pageErrors(page.stderr)).toEqual([])
      expect(statSync(screenshot).size).toBeGreaterThan(50_000)
    },
    180_000,
  )

  it('the feature heatmap shows a feature forced to zero as a band over its days', async () => {
    await adapter.execute(
      `UPDATE nba_predictions.ml_feature_store_v2 SET usage_spike_score = 0 WHERE game_date BETWEEN DATE '2026-01-12' AND DATE '2026-01-18'`,
    )
    const [heatmap] = await queryCharts({
      graph: healthy,
      adapter,
      charts: (await loadCharts(REPO_ROOT)).filter((c) => c.name === 'feature_health'),
      from: '2026-01-05',
      to: '2026-01-25',
    })
    const usage = (heatmap?.rows ?? []).filter((r) => r.feature === 'usage_spike_score')
    const zeroed = usage.filter((r) => String(r.game_date) >= '2026-01-12' && String(r.game_date) <= '2026-01-18')
    expect(zeroed.length).toBeGreaterThan(0)
    expect(zeroed.every((r) => Number(r.share) === 1)).toBe(true)
    const others = usage.filter((r) => String(r.game_date) < '2026-01-12' || String(r.game_date) > '2026-01-18')
    expect(Math.max(...others.map((r) => Number(r.share)))).toBeLessThan(0.6)
  })
})

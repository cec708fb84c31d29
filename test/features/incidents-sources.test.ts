/**
 * Incident replays on the generated sample (scripts/seed): DNPs as zeros (I-10), missing minutes
 * (A-10d) and missing play-by-play (I-17) make their assertions fail for exactly the damaged dates and
 * stop what reads the damaged source; a BettingPros feed without points rows (I-9) never becomes a
 * points line; team_win_pct at the 0.5 default (I-6) fails A-06b.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SeedIncidents } from '../../scripts/seed/index.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { runPipeline } from '../../src/runner/run.js'
import type { RunResult } from '../../src/runner/result.js'
import { testRun } from '../support/fixtures.js'
import { PUBLISHED_TO, builtSample, damage, failedPartitions, run } from './incident-replay.js'
import { projectGraph } from './support.js'

describe('I-6: team_win_pct written as the 0.5 default (A-06b)', () => {
  const CHECK = 'feature_store_team_win_pct_not_default'
  const FS = 'nba_predictions.ml_feature_store_v2'
  let adapter: DuckDbAdapter
  let clean: RunResult
  /** Store dates (not early season) with the number of teams playing, in order. */
  let slates: { d: string; teams: number }[]
  beforeAll(async () => {
    adapter = await builtSample()
    const built = await run(adapter, ['ml_feature_store_v2'], true)
    expect(built.ok).toBe(true)
    clean = await run(adapter, [CHECK], false)
    slates = (
      await adapter.query<{
        d: string
        teams: number
      }>(`SELECT CAST(game_date AS VARCHAR) AS d, COUNT(DISTINCT team_abbr) AS teams
      FROM nba_analytics.team_offense_game_summary WHERE game_date IN (SELECT game_date FROM ${FS} WHERE NOT early_season_flag)
      GROUP BY game_date ORDER BY game_date`)
    ).map((r) => ({ d: r.d, teams: Number(r.teams) }))
  }, 180_000)
  afterAll(async () => {
    await adapter.close()
  })

  /** The store as the legacy bug wrote it from `from` to `to`: every row's team_win_pct at the default. */
  async function writeDefault(from: string, to: string): Promise<RunResult> {
    await adapter.execute(`UPDATE ${FS} SET team_win_pct = 0.5 WHERE game_date BETWEEN DATE '${from}' AND DATE '${to}'`)
    return run(adapter, [CHECK], false)
  }

  it('passes on every date of the undamaged store, 4-game slates included', () => {
    expect(clean.ok).toBe(true)
    expect(Math.min(...slates.map((s) => s.teams))).toBeLessThanOrEqual(8)
    expect(failedPartitions(clean, CHECK)).toEqual([])
  })

  it('fails a single damaged date of 6+ teams on that day, and no date before it', async () => {
    const day = slates.find((s) => s.d >= '2024-12-05' && s.teams >= 6)
    expect(day).toBeDefined()
    const damaged = await writeDefault(day!.d, day!.d)
    const failed = failedPartitions(damaged, CHECK)
    expect(failed).toContain(day!.d)
    expect(failed.filter((d) => d < day!.d)).toEqual([])
    // the repair: the fixed code restates that date, and the check passes everywhere again
    const restated = await runPipeline({
      graph: await projectGraph(),
      adapter,
      run: testRun(),
      today: '2025-01-15',
      runsDir: null,
      selection: { actions: ['ml_feature_store_v2'] },
      from: day!.d,
      to: day!.d,
      restate: true,
    })
    expect(restated.ok).toBe(true)
    expect(failedPartitions(await run(adapter, [CHECK], false), CHECK)).toEqual([])
  })

  it('fails from the first day of a lasting bug through the last, as the 7-date window fills', async () => {
    const first = slates.find((s) => s.d >= '2024-12-15' && s.teams >= 6)!.d
    const last = slates[slates.length - 1]!.d
    const damaged = await writeDefault(first, last)
    const failed = failedPartitions(damaged, CHECK)
    expect(damaged.ok).toBe(false)
    expect(failed[0]).toBe(first)
    // every damaged date of 6+ teams on its own, and once the window is all damage, every date
    const expected = slates
      .filter((s, index) => s.d >= first && (s.teams >= 6 || slates[index - 6]!.d >= first))
      .map((s) => s.d)
    expect(failed).toEqual(expect.arrayContaining(expected))
    expect(failed).toContain(last)
  })
})

describe('source incidents injected into the sample stop the layers that read them', () => {
  const RANGE = { from: '2024-12-10', to: '2024-12-14' }

  /**
   * The checks alone on the undamaged sample (built through PUBLISHED_TO), then the damage, then the feature
   * store and its upstreams from the day after PUBLISHED_TO through the last damaged date (the dates judged).
   */
  async function damagedRun(
    incidents: SeedIncidents,
    checks: string[] = [],
  ): Promise<{ adapter: DuckDbAdapter; clean: RunResult | null; damaged: RunResult }> {
    expect(RANGE.from > PUBLISHED_TO).toBe(true)
    const adapter = await builtSample()
    const clean = checks.length > 0 ? await run(adapter, checks, false) : null
    await damage(adapter, incidents)
    const damaged = await run(adapter, ['ml_feature_store_v2'], true, false, RANGE.to)
    return { adapter, clean, damaged }
  }
  function warned(result: RunResult, check: string): string[] {
    return result.actions
      .flatMap((a) => a.checks)
      .filter((c) => c.assertion === check && !c.passed && c.severity === 'warn')
      .map((c) => String(c.partition))
      .sort()
  }
  async function datesWith(adapter: DuckDbAdapter, minGames: number): Promise<string[]> {
    const rows = await adapter.query<{
      d: string
    }>(`SELECT CAST(game_date AS VARCHAR) AS d FROM nba_analytics.player_game_summary
      WHERE game_date BETWEEN DATE '${RANGE.from}' AND DATE '${RANGE.to}' GROUP BY game_date HAVING COUNT(DISTINCT game_id) >= ${minGames} ORDER BY 1`)
    return rows.map((r) => r.d)
  }
  function status(result: RunResult, name: string): string | undefined {
    return result.actions.find((a) => a.name === name)?.status
  }

  it('I-10: DNPs written as played zeros fail A-10a (error) and A-10c (warn) on the damaged dates; nothing reads the box scores', async () => {
    const { adapter, clean, damaged } = await damagedRun({ dnpAsZero: RANGE }, [
      'player_game_summary_health',
      'player_game_summary_dnp_count',
    ])
    try {
      expect(clean?.ok).toBe(true)
      expect(failedPartitions(clean!, 'player_game_summary_health.points_zero_share')).toEqual([])
      expect(warned(clean!, 'player_game_summary_dnp_count')).toEqual([])
      const dates = await datesWith(adapter, 3)
      expect(dates.length).toBeGreaterThan(2)
      expect(failedPartitions(damaged, 'player_game_summary_health.points_zero_share')).toEqual(dates)
      expect(warned(damaged, 'player_game_summary_dnp_count')).toEqual(dates)
      for (const name of ['player_daily_cache', 'player_composite_factors', 'ml_feature_store_v2'])
        expect(status(damaged, name), name).toBe('skipped')
    } finally {
      await adapter.close()
    }
  }, 120_000)

  it('A-10d: played rows without minutes fail on the damaged dates', async () => {
    const { adapter, damaged } = await damagedRun({ noMinutes: RANGE })
    try {
      expect(failedPartitions(damaged, 'player_game_summary_health.played_minutes_missing_share')).toEqual(
        await datesWith(adapter, 2),
      )
      expect(status(damaged, 'ml_feature_store_v2')).toBe('skipped')
    } finally {
      await adapter.close()
    }
  }, 120_000)

  it('I-17: play-by-play missing fails A-17a on the damaged dates of 4+ games and stops the readers of the shot-zone layer', async () => {
    const { adapter, clean, damaged } = await damagedRun({ playByPlayMissing: RANGE }, ['shot_zone_game_coverage'])
    try {
      expect(failedPartitions(clean!, 'shot_zone_game_coverage')).toEqual([])
      const dates = await datesWith(adapter, 4)
      expect(dates.length).toBeGreaterThan(2)
      expect(failedPartitions(damaged, 'shot_zone_game_coverage')).toEqual(dates)
      expect(warned(damaged, 'shot_zone_game_coverage_warn')).toEqual(expect.arrayContaining(dates))
      // the shot-zone layer is built (its zones NULL where the source has none); what reads it waits
      expect(status(damaged, 'player_shot_zone_analysis')).toBe('succeeded')
      expect(status(damaged, 'player_composite_factors')).toBe('skipped')
      expect(status(damaged, 'ml_feature_store_v2')).toBe('skipped')
      expect(status(damaged, 'player_daily_cache')).toBe('succeeded')
    } finally {
      await adapter.close()
    }
  }, 120_000)

  it('I-9: BettingPros holding only rebounds and assists lines never feeds them as points lines', async () => {
    const { adapter, damaged } = await damagedRun({ bettingprosOnlyOtherMarkets: RANGE })
    try {
      expect(damaged.ok).toBe(true)
      const [lines] = await adapter.query<{
        rows: number
        from_bettingpros: number
        with_line: number
      }>(`SELECT COUNT(*) AS rows,
        COUNT(*) FILTER (WHERE vegas_line_source IN ('bettingpros', 'both')) AS from_bettingpros,
        COUNT(*) FILTER (WHERE vegas_points_line IS NOT NULL) AS with_line
        FROM nba_predictions.ml_feature_store_v2 WHERE game_date BETWEEN DATE '${RANGE.from}' AND DATE '${RANGE.to}'`)
      expect(Number(lines?.rows)).toBeGreaterThan(300)
      expect(Number(lines?.with_line)).toBeGreaterThan(0)
      expect(Number(lines?.from_bettingpros)).toBe(0)
      // the players only BettingPros had now have no line: NULL, not a rebounds or assists line
      const [orphans] = await adapter.query<{
        n: number
        with_line: number
      }>(`SELECT COUNT(*) AS n, COUNT(f.vegas_points_line) AS with_line
        FROM nba_predictions.ml_feature_store_v2 f
        JOIN (SELECT DISTINCT game_date, player_lookup FROM nba_raw.bettingpros_player_points_props) b USING (game_date, player_lookup)
        WHERE f.game_date BETWEEN DATE '${RANGE.from}' AND DATE '${RANGE.to}'
          AND NOT EXISTS (SELECT 1 FROM nba_raw.odds_api_player_points_props o WHERE o.game_date = f.game_date AND o.player_lookup = f.player_lookup)`)
      expect(Number(orphans?.n)).toBeGreaterThan(0)
      expect(Number(orphans?.with_line)).toBe(0)
    } finally {
      await adapter.close()
    }
  }, 120_000)
})

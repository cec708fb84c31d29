import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FEATURE_CATALOG, qualityScore, qualityTier } from '../../includes/feature-catalog.js'
import type { FeatureSourceLabel } from '../../includes/feature-catalog.js'
import { D1, D2, E } from '../fixtures/features/hand-made.js'
import { composite, expectedFeatures, isEarlySeason, mean, playedBefore, roster } from './reference.js'
import { differs, num, rowsByKey, runFixture } from './support.js'
import type { FixtureRun, Row } from './support.js'

let fx: FixtureRun
let store: Map<string, Row>

beforeAll(async () => {
  fx = await runFixture()
  store = await rowsByKey(
    fx.adapter,
    `SELECT *, CAST(game_date AS VARCHAR) AS game_date FROM nba_predictions.ml_feature_store_v2`,
  )
})
afterAll(async () => {
  await fx.adapter.close()
})

const row = (player: string, date: string): Row => {
  const found = store.get(`${player}|${date}`)
  if (!found) throw new Error(`no feature-store row for ${player} on ${date}`)
  return found
}

describe('ml_feature_store_v2 on the hand-made fixture', () => {
  it('builds the feature store and every upstream', () => {
    const failed = fx.result.actions.filter((a) => a.status !== 'succeeded')
    expect(failed.map((a) => `${a.name}: ${a.error?.message ?? a.skippedBecause}`)).toEqual([])
  })

  it('holds one row per roster player and date (daily roster: the newest context rows)', () => {
    for (const date of [E, D1, D2]) {
      const expected = roster(fx.fixture, date, 'daily').map((e) => e.player)
      const actual = [...store.values()]
        .filter((r) => r.game_date === date)
        .map((r) => String(r.player_lookup))
        .sort()
      expect(actual, date).toEqual(expected)
    }
    expect(store.size).toBe(11)
  })

  it('computes every catalog feature as the independent TypeScript reference does', () => {
    const problems: string[] = []
    for (const date of [D1, D2]) {
      for (const entry of roster(fx.fixture, date, 'daily')) {
        const expected = expectedFeatures(fx.fixture, entry)
        const actual = row(entry.player, date)
        for (const feature of FEATURE_CATALOG) {
          const problem = differs(actual[feature.name], expected[feature.name] ?? null)
          if (problem) problems.push(`${entry.player} ${date} #${feature.index} ${feature.name}: ${problem}`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  it('never counts a game played on the target date itself (strict < D)', () => {
    // rookiekid's only game is on D1: nothing before D1, one game before D2
    expect(num(row('rookiekid', D1).points_avg_last_10)).toBeNull()
    expect(num(row('rookiekid', D2).points_avg_last_10)).toBe(12)
    expect(num(row('rookiekid', D2).games_in_last_7_days)).toBe(1)
    // vetplayer played on D1 too: D1's last 10 are the ten games before it; D2's are D1's game and nine of those
    const before = playedBefore(fx.fixture, 'vetplayer', D1).map((b) => b.points as number)
    const onD1 = fx.fixture.box.find((b) => b.player_lookup === 'vetplayer' && b.game_date === D1)?.points as number
    expect(num(row('vetplayer', D1).points_avg_last_10)).toBeCloseTo(mean(before.slice(0, 10)) as number, 9)
    expect(num(row('vetplayer', D2).points_avg_last_10)).toBeCloseTo(mean([onD1, ...before.slice(0, 9)]) as number, 9)
    expect(num(row('vetplayer', D1).points_avg_last_10)).not.toBeCloseTo(
      num(row('vetplayer', D2).points_avg_last_10) as number,
      9,
    )
  })

  it('bounds the season and opponent windows by D (season_year of D, D minus 3 years)', () => {
    const vsBbbThisSeason = fx.fixture.box.filter(
      (b) =>
        b.player_lookup === 'vetplayer' &&
        b.opponent_team_abbr === 'BBB' &&
        b.game_date >= '2024-10-01' &&
        b.game_date < D1,
    )
    // 2022-01-20 is inside D1 - 3 years, 2021-11-15 is not
    expect(num(row('vetplayer', D1).games_vs_opponent)).toBe(vsBbbThisSeason.length + 1)
    // last season's 30-point game (2024-04-10) is not in the season average
    const season = playedBefore(fx.fixture, 'vetplayer', D1)
      .filter((b) => b.game_date >= '2024-10-01')
      .map((b) => b.points as number)
    expect(num(row('vetplayer', D1).points_avg_season)).toBeCloseTo(mean(season) as number, 9)
  })

  it('keeps NULL, never 0.0, for a player without history, and labels it missing', () => {
    const rookie = row('rookiekid', D1)
    for (const name of [
      'points_avg_last_5',
      'points_avg_last_10',
      'points_avg_season',
      'points_std_last_10',
      'recent_trend',
      'minutes_change',
      'pct_paint',
      'pct_mid_range',
      'pct_three',
      'pct_free_throw',
      'avg_points_vs_opponent',
      'minutes_avg_last_10',
      'ppm_avg_last_10',
      'usage_spike_score',
      'shot_zone_mismatch_score',
      'vegas_points_line',
      'vegas_opening_line',
      'vegas_line_move',
    ]) {
      expect(rookie[name], name).toBeNull()
    }
    const sources = rookie.feature_sources as string[]
    expect(sources[FEATURE_CATALOG.findIndex((f) => f.name === 'points_avg_last_10')]).toBe('missing')
    expect(num(rookie.has_vegas_line)).toBe(0)
    expect(num(rookie.has_shot_zone_data)).toBe(0)
    // counts are facts, not defaults: no game in 7 days, none against this opponent
    expect(num(rookie.games_in_last_7_days)).toBe(0)
    expect(num(rookie.games_vs_opponent)).toBe(0)
    // a player with three games: last-5 and the trend need five
    expect(row('newarrival', D1).points_avg_last_5).toBeNull()
    expect(num(row('newarrival', D1).points_avg_last_10)).toBe(10)
  })

  it('withholds every feature on early-season rows and says why', () => {
    for (const player of ['vetplayer', 'benchguy', 'rookiekid']) {
      const early = row(player, E)
      expect(isEarlySeason(E)).toBe(true)
      expect(early.early_season_flag).toBe(true)
      for (const feature of FEATURE_CATALOG.filter((f) => !['has_vegas_line', 'has_shot_zone_data'].includes(f.name)))
        expect(early[feature.name], feature.name).toBeNull()
      expect(num(early.has_vegas_line)).toBe(0)
      expect(early).toMatchObject({
        data_source: 'early_season',
        vegas_line_source: 'none',
        insufficient_data_reason: 'early_season_skip_first_14_days',
        quality_tier: 'unusable',
      })
      expect(num(early.feature_quality_score)).toBe(0)
    }
  })

  it('selects lines DraftKings first, latest pre-tip snapshot, points market only', () => {
    const line = (player: string) => {
      const r = row(player, D1)
      return [num(r.vegas_points_line), num(r.vegas_opening_line), r.vegas_line_source]
    }
    expect(line('vetplayer')).toEqual([19.5, 18.5, 'both']) // the 25.5 snapshot came after tip-off; FanDuel's 21.5 ranks lower
    expect(line('benchguy')).toEqual([5.5, 4.5, 'both']) // BettingPros DraftKings beats Odds API FanDuel
    expect(line('bpshooter')).toEqual([14.5, 13, 'bettingpros']) // BetMGM beats the consensus; the rebounds market is ignored
    expect(line('rookiekid')).toEqual([null, null, 'none']) // a 0.0 line is no line
    expect(line('newarrival')).toEqual([null, null, 'none'])
  })

  it('sets has_vegas_line to 0.0 exactly when vegas_points_line is NULL, and never leaves it NULL', () => {
    for (const r of store.values()) {
      expect(r.has_vegas_line).not.toBeNull()
      expect(num(r.has_vegas_line) === 0).toBe(r.vegas_points_line === null)
      expect(r.vegas_line_source === 'none').toBe(r.vegas_points_line === null)
    }
  })

  it('stamps every row with the writing build and run', () => {
    for (const r of store.values()) {
      expect(r.build_commit_sha).toBe(fx.run.buildCommitSha)
      expect(r.run_id).toBe(fx.run.id)
      expect(r.feature_source_mode).toBe('daily')
      expect(r.feature_version).toBe('v2_33features')
      expect(num(r.feature_count)).toBe(33)
      expect(r.created_at).not.toBeNull()
    }
  })

  it('scores quality from the source labels with the rebuild weights', () => {
    for (const r of [...store.values()].filter((x) => !x.early_season_flag)) {
      const labels = (r.feature_sources as FeatureSourceLabel[]).slice(0, 33)
      const expected = qualityScore(labels)
      expect(num(r.feature_quality_score), String(r.player_lookup)).toBeCloseTo(expected, 2)
      expect(r.quality_tier).toBe(qualityTier(expected))
      for (const [i, feature] of FEATURE_CATALOG.entries()) {
        expect((r.feature_sources as string[])[i] === 'missing', `${String(r.player_lookup)} ${feature.name}`).toBe(
          r[feature.name] === null,
        )
      }
    }
    // vegas / opponent_history / minutes_ppm values count as real data (rebuild rule)
    expect(num(row('vetplayer', D1).feature_quality_score)).toBe(100)
  })

  it('writes composite factors equal to the reference, with fatigue_context_json.final_score = fatigue_score', async () => {
    const composites = await rowsByKey(
      fx.adapter,
      `SELECT player_lookup, CAST(game_date AS VARCHAR) AS game_date, fatigue_score, pace_score,
      usage_spike_score, shot_zone_mismatch_score, json_extract_string(fatigue_context_json, '$.final_score') AS final_score
      FROM nba_precompute.player_composite_factors`,
    )
    for (const date of [D1, D2]) {
      for (const entry of roster(fx.fixture, date, 'daily')) {
        const actual = composites.get(`${entry.player}|${date}`) as Row
        const expected = composite(fx.fixture, entry)
        expect(num(actual.fatigue_score), `${entry.player} ${date} fatigue`).toBe(expected.fatigue)
        expect(num(actual.final_score)).toBe(num(actual.fatigue_score))
        expect(differs(actual.pace_score, expected.pace), `${entry.player} ${date} pace`).toBeNull()
        expect(differs(actual.usage_spike_score, expected.usage), `${entry.player} ${date} usage`).toBeNull()
        expect(
          differs(actual.shot_zone_mismatch_score, expected.mismatch),
          `${entry.player} ${date} mismatch`,
        ).toBeNull()
      }
    }
    // a NULL usage baseline stays NULL (legacy: 25.0 → 0); the newest context re-run wins (22 → 0.3 × 3)
    expect(composites.get(`rookiekid|${D1}`)?.usage_spike_score).toBeNull()
    expect(num(composites.get(`vetplayer|${D1}`)?.usage_spike_score)).toBe(0.9)
  })
})

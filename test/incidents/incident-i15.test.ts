/**
 * I-15 replayed: the rolling averages used `<=` instead of `<`, so the target game leaked into them.
 * The daily cache's real definition with its history windows ending on D (not the day before) builds the dates from 2024-12-09
 * (the feature store takes points_avg_last_5/10 and games_in_last_7_days from the cache first). The
 * leaked game first shows as a 5th game in 7 days: A-16 at the root (the cache's games_in_last_7_days
 * range 0–4) fails the cache's audit on the first damaged date, so nothing of the batch is published
 * and the store, predictions and grading wait.
 * Forced past the audit, A-15a (the averages recomputed over games strictly before D) fails on every
 * damaged date. The reverted code restates the range and publishes it.
 *
 * Tried: with the A-16 range of games_in_last_7_days removed, A-15a alone stops the predictions (the
 * forced case here); with A-15a also removed, the predictions of the damaged dates are written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { playerDailyCache } from '../../definitions/precompute/player-daily-cache.js'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { RunResult } from '../../src/runner/result.js'
import type { Replay } from './support.js'
import {
  DAMAGE_FROM,
  WHOLE_PIPELINE,
  compileReal,
  expectNamed,
  expectNothingPublishedChanged,
  expectRepairPublishes,
  failedDates,
  failures,
  notSucceeded,
  patchQuery,
  publishedSample,
  run,
  statusOf,
} from './support.js'

const CHECK = 'feature_store_points_avg_no_leak'
/** The player history's window frames (includes/player-history.ts), with how often the daily cache uses each. */
const PLAYER_FRAMES: readonly (readonly [string, number])[] = [
  ['PARTITION BY player_lookup ORDER BY day_number RANGE BETWEEN UNBOUNDED PRECEDING', 1],
  ['PARTITION BY player_lookup, season_year ORDER BY day_number RANGE BETWEEN UNBOUNDED PRECEDING', 3],
  ['PARTITION BY player_lookup ORDER BY day_number RANGE BETWEEN 7 PRECEDING', 3],
  ['PARTITION BY player_lookup ORDER BY day_number RANGE BETWEEN 14 PRECEDING', 1],
  ['PARTITION BY player_lookup ORDER BY day_number RANGE BETWEEN 30 PRECEDING', 2],
]
const RANGE = 'player_daily_cache.games_in_last_7_days_range'

let replay: Replay
let damaged: RunResult
let broken: CompiledGraph

beforeAll(async () => {
  replay = await publishedSample()
  // The player history's windows end the day before D (`AND 1 PRECEDING`); ending on D is the `<=` of legacy.
  // The team history's windows (PARTITION BY team_abbr) are left as they are.
  const leaky = PLAYER_FRAMES.reduce<ReturnType<typeof patchQuery>>(
    (definition, [frame, times]) =>
      patchQuery(definition, `${frame} AND 1 PRECEDING)`, `${frame} AND CURRENT ROW)`, times),
    playerDailyCache,
  )
  broken = await compileReal('duckdb', [leaky])
  damaged = await run(broken, replay.adapter, { selection: WHOLE_PIPELINE, from: DAMAGE_FROM })
}, 240_000)
afterAll(async () => replay.adapter.close())

describe('I-15: rolling averages over game_date <= D', () => {
  it('fails the daily cache audit on the first damaged date: the leaked game is a 5th game in 7 days (A-16)', () => {
    const failed = failedDates(damaged, RANGE)
    expect(failed[0]).toBe(DAMAGE_FROM)
    expectNamed(
      failures(damaged, RANGE)[0],
      RANGE,
      /\d+ of \d+ rows have games_in_last_7_days outside \[0, 4\] \(observed 0\.\.5\)/,
    )
    console.log(`I-15 replay: ${failures(damaged, RANGE)[0]?.message}`)
    expect(statusOf(damaged, 'player_daily_cache')).toBe('failed')
    expect(statusOf(damaged, 'ml_feature_store_v2')).toBe('skipped')
  })

  it('writes no prediction or grade of the damaged dates and changes nothing published before them', async () => {
    await expectNothingPublishedChanged(replay, damaged)
  })

  it('forced past the audit, fails A-15a on every damaged date with games', async () => {
    const forced = await run(broken, replay.adapter, {
      selection: { actions: ['player_daily_cache', 'ml_feature_store_v2'] },
      from: DAMAGE_FROM,
      skipAssertions: true,
    })
    expect(notSucceeded(forced)).toEqual([])
    const checked = await run(broken, replay.adapter, { selection: { actions: [CHECK] } })
    const dates = await replay.adapter.query<{ d: string }>(
      `SELECT DISTINCT CAST(game_date AS VARCHAR) AS d FROM nba_analytics.player_game_summary
       WHERE game_date >= DATE '${DAMAGE_FROM}' AND points IS NOT NULL ORDER BY 1`,
    )
    expect(failedDates(checked, CHECK)).toEqual(dates.map((r) => r.d))
    expectNamed(failures(checked, CHECK)[0], CHECK, /points_avg_last_5 [\d.]+, expected_last_5 [\d.]+/)
    console.log(`I-15 replay (forced): ${failures(checked, CHECK)[0]?.message}`)
  })

  it('publishes the range once the reverted code restates it', async () => {
    const rest = await expectRepairPublishes(replay, ['player_daily_cache', 'ml_feature_store_v2'])
    expect(failedDates(rest, CHECK)).toEqual([])
  })
})

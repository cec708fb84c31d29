/**
 * I-16 replayed: an upstream aggregation wrote each box score of 2024-12-09..12-15 six times, so every
 * count over the box scores multiplies (games_in_last_7_days up to 24 by 12-16). The box scores' own
 * integrity check (one row per player and game) fails on exactly the damaged dates, naming the source
 * and the first repeated key, and the row count against the schedule fails with them; nothing that
 * reads the box scores is built, so no feature, prediction or grade of those dates is written. With
 * the repeats removed, the range builds and publishes.
 *
 * Tried: with the source checks removed (assertions/source-integrity.ts), the first test fails, and
 * the predictions are still stopped further down (the daily cache's games_in_last_7_days 0–4, A-16 at
 * the root, and the store's checks): the root check names 12-09 and the box scores; the others name
 * the later dates the repeats poisoned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyIncidents } from '../../scripts/seed/index.js'
import type { RunResult } from '../../src/runner/result.js'
import type { Replay } from './support.js'
import {
  DAMAGE_FROM,
  WHOLE_PIPELINE,
  expectNamed,
  expectNothingPublishedChanged,
  failedDates,
  failures,
  notSucceeded,
  publishedSample,
  run,
  statusOf,
} from './support.js'

const DAMAGE = { from: DAMAGE_FROM, to: '2024-12-15' }
const KEY = 'player_game_summary_integrity.one_row_per_player_game'
const SCHEDULE = 'player_game_summary_matches_schedule'

let replay: Replay
let damaged: RunResult

beforeAll(async () => {
  replay = await publishedSample()
  await replay.adapter.withConnection((c) => applyIncidents(c, { boxScoresRepeated: DAMAGE }))
  damaged = await run(replay.healthy, replay.adapter, { selection: WHOLE_PIPELINE, from: DAMAGE_FROM })
}, 240_000)
afterAll(async () => replay.adapter.close())

describe('I-16: box scores repeated by an upstream aggregation', () => {
  it('fails the box scores key and schedule checks on exactly the damaged dates', async () => {
    const dates = await replay.adapter.query<{ d: string }>(
      `SELECT DISTINCT CAST(game_date AS VARCHAR) AS d FROM nba_analytics.player_game_summary
       WHERE game_date BETWEEN DATE '${DAMAGE.from}' AND DATE '${DAMAGE.to}' ORDER BY 1`,
    )
    expect(dates.length).toBeGreaterThan(4)
    expect(failedDates(damaged, KEY)).toEqual(dates.map((r) => r.d))
    expect(failedDates(damaged, SCHEDULE)).toEqual(dates.map((r) => r.d))
    expectNamed(failures(damaged, KEY)[0], KEY, /\d+ duplicate|\d+ of \d+ rows|\d+ keys?/)
    expectNamed(failures(damaged, SCHEDULE)[0], SCHEDULE, /box_score_rows \d+/)
    console.log(`I-16 replay: ${failures(damaged, KEY)[0]?.message}\n  ${failures(damaged, SCHEDULE)[0]?.message}`)
    for (const name of ['player_daily_cache', 'player_composite_factors', 'ml_feature_store_v2'])
      expect(statusOf(damaged, name), name).toBe('skipped')
  })

  it('writes no feature, prediction or grade of the damaged dates and changes nothing published before them', async () => {
    await expectNothingPublishedChanged(replay, damaged)
  })

  it('publishes the range once the repeats are removed', async () => {
    await replay.adapter.execute(
      `CREATE OR REPLACE TABLE nba_analytics.player_game_summary AS SELECT DISTINCT * FROM nba_analytics.player_game_summary`,
    )
    const rest = await run(replay.healthy, replay.adapter, { selection: WHOLE_PIPELINE, from: DAMAGE_FROM })
    expect(notSucceeded(rest)).toEqual([])
    expect(failedDates(rest, KEY)).toEqual([])
    const [max] = await replay.adapter.query<{ g: number }>(
      `SELECT MAX(games_in_last_7_days) AS g FROM nba_predictions.ml_feature_store_v2 WHERE game_date >= DATE '${DAMAGE_FROM}'`,
    )
    expect(Number(max?.g)).toBeLessThanOrEqual(4)
  })
})

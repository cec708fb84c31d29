/**
 * I-5 replayed: back_to_back tested `days_rest == 0` instead of `== 1`, so it is 0 on every row.
 * The feature store's real definition with that one token changed builds the dates from 2024-12-09;
 * A-05b (back_to_back agrees with the context's days_rest) fails on the first damaged date, A-05a
 * (share of back-to-backs over 14 game days) once the window is mostly damage, and predictions and
 * grading of those dates are never written. The reverted code restates the range and publishes it.
 *
 * Tried: with A-05a and A-05b removed from assertions/feature-store.ts this replay fails (the
 * predictions of the damaged dates are written).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mlFeatureStoreV2 } from '../../definitions/features/ml-feature-store-v2.js'
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
  patchQuery,
  publishedSample,
  run,
} from './support.js'

const MATCHES = 'feature_store_back_to_back_matches_context'
const SHARE = 'feature_store_back_to_back_share'

let replay: Replay
let damaged: RunResult

beforeAll(async () => {
  replay = await publishedSample()
  const broken = await compileReal('duckdb', [
    patchQuery(mlFeatureStoreV2, 'r.days_rest = 1 THEN 1', 'r.days_rest = 0 THEN 1'),
  ])
  damaged = await run(broken, replay.adapter, { selection: WHOLE_PIPELINE, from: DAMAGE_FROM })
}, 240_000)
afterAll(async () => replay.adapter.close())

describe('I-5: back_to_back tested days_rest = 0', () => {
  it('fails A-05b on the first damaged date and A-05a once the 14-game-day window is damaged', async () => {
    const [first] = await replay.adapter.query<{ d: string }>(
      `SELECT CAST(MIN(game_date) AS VARCHAR) AS d FROM nba_analytics.upcoming_player_game_context
       WHERE game_date >= DATE '${DAMAGE_FROM}' AND days_rest = 1`,
    )
    expect(failedDates(damaged, MATCHES)[0]).toBe(first?.d)
    expect(failedDates(damaged, MATCHES).every((d) => d >= DAMAGE_FROM)).toBe(true)
    expectNamed(failures(damaged, MATCHES)[0], MATCHES, /\d+ offending row\(s\)/)
    expect(failedDates(damaged, SHARE).length).toBeGreaterThan(0)
    expect(failedDates(damaged, SHARE).every((d) => d > DAMAGE_FROM)).toBe(true)
    expectNamed(failures(damaged, SHARE)[0], SHARE, /back_to_back_share 0\.0\d/)
    console.log(`I-5 replay: ${failures(damaged, MATCHES)[0]?.message}\n  ${failures(damaged, SHARE)[0]?.message}`)
  })

  it('writes no prediction or grade of the damaged dates and changes nothing published before them', async () => {
    await expectNothingPublishedChanged(replay, damaged)
  })

  it('publishes the range once the reverted code restates it', async () => {
    const rest = await expectRepairPublishes(replay, ['ml_feature_store_v2'])
    expect(failedDates(rest, MATCHES)).toEqual([])
    expect(failedDates(rest, SHARE)).toEqual([])
  })
})

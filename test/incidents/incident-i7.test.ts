/**
 * I-7 replayed: the composite factors stored the −5..0 fatigue adjustment as fatigue_score (a stale
 * worker path wrote 0), while fatigue_context_json still held the real final score. The real
 * definition with fatigue_score replaced by the adjustment builds the dates from 2024-12-09; the
 * composite factors' audit (A-07a: zero share ≤ 0.10 and the 0–100 range) fails on every damaged
 * date, so nothing of the batch is published and the feature store, predictions and grading wait.
 * The reverted code restates the range and publishes it.
 *
 * Tried: with the composite factors' fatigue zero share and range removed, the first test here
 * fails, yet the predictions are still stopped downstream (A-07b, the store's fatigue checks): the
 * incident has more than one stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { playerCompositeFactors } from '../../definitions/precompute/player-composite-factors.js'
import type { RunResult } from '../../src/runner/result.js'
import type { Replay } from './support.js'
import {
  DAMAGE_FROM,
  WHOLE_PIPELINE,
  compileReal,
  countBetween,
  expectNamed,
  expectNothingPublishedChanged,
  expectRepairPublishes,
  failedDates,
  failures,
  publishedSample,
  replaceColumns,
  run,
  statusOf,
} from './support.js'

const ZEROS = 'player_composite_factors.fatigue_score_zero_share'
/** The −5..0 adjustment legacy stored: 0 for a rested player (most of them), −1..−5 as fatigue grows. */
const ADJUSTMENT = `CASE WHEN game_date >= DATE '${DAMAGE_FROM}'
  THEN CAST(LEAST(0, GREATEST(-5, ROUND((fatigue_score - 100) / 10.0))) AS BIGINT) ELSE fatigue_score END`

let replay: Replay
let damaged: RunResult

beforeAll(async () => {
  replay = await publishedSample()
  const broken = await compileReal('duckdb', [replaceColumns(playerCompositeFactors, { fatigue_score: ADJUSTMENT })])
  damaged = await run(broken, replay.adapter, { selection: WHOLE_PIPELINE, from: DAMAGE_FROM })
}, 240_000)
afterAll(async () => replay.adapter.close())

describe('I-7: fatigue_score written as the −5..0 adjustment', () => {
  it('fails the composite factors audit (A-07a) on the damaged dates; nothing of the batch is published', async () => {
    const failed = failedDates(damaged, ZEROS)
    expect(failed.length).toBeGreaterThan(10)
    expect(failed[0]).toBe(DAMAGE_FROM)
    expectNamed(failures(damaged, ZEROS)[0], ZEROS, /0\.\d\d of \d+ rows are 0 \(max 0\.10\)/)
    console.log(`I-7 replay: ${failures(damaged, ZEROS)[0]?.message}`)
    expect(statusOf(damaged, 'player_composite_factors')).toBe('failed')
    expect(statusOf(damaged, 'ml_feature_store_v2')).toBe('skipped')
    expect(
      await countBetween(replay.adapter, 'nba_precompute.player_composite_factors', DAMAGE_FROM, '2024-12-31'),
    ).toBe(0)
  })

  it('writes no prediction or grade of the damaged dates and changes nothing published before them', async () => {
    await expectNothingPublishedChanged(replay, damaged)
  })

  it('publishes the range once the reverted code restates it', async () => {
    const rest = await expectRepairPublishes(replay, ['player_composite_factors'])
    expect(failedDates(rest, ZEROS)).toEqual([])
  })
})

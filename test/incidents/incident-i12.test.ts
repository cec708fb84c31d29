/**
 * I-12 replayed: the deactivation of older predictions was partitioned by (game_id, player_lookup)
 * without system_id, so of two systems' rows for one player and game only one stayed active. With
 * everything graded through 2024-12-08, catboost_v8 predicts 2024-12-09..12-10 and a second system
 * (a moving-average baseline) writes its rows for the same players; then the legacy deactivation
 * statement runs. A-12a (exactly one active row per game, player and system) fails on both dates,
 * naming the key, so grading of those dates never lands (legacy: grading coverage below 50%). The
 * fixed deactivation (partitioned with system_id) restores one active row per system, and the dates
 * are graded.
 *
 * Removing A-12a alone does not let grading through: A-14c (an active catboost row for every store
 * row) fails on the same dates, as this replay asserts; not tried with both removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunResult } from '../../src/runner/result.js'
import type { Replay } from './support.js'
import {
  DAMAGE_FROM,
  PA,
  PPP,
  WHOLE_PIPELINE,
  countBetween,
  expectNamed,
  failedDates,
  failures,
  fingerprint,
  notSucceeded,
  publishedSample,
  rows,
  run,
  statusOf,
} from './support.js'

const RANGE = { from: DAMAGE_FROM, to: '2024-12-10' }
const CHECK = 'a12a_one_active_row_per_key'
const IN_RANGE = `game_date BETWEEN DATE '${RANGE.from}' AND DATE '${RANGE.to}'`

/** The legacy deactivation: keep the newest row per (game_id, player_lookup), whatever its system. */
const LEGACY_DEACTIVATION = `UPDATE ${PPP} SET is_active = FALSE WHERE prediction_id IN (
  SELECT prediction_id FROM (
    SELECT prediction_id, ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup ORDER BY created_at DESC, system_id DESC) AS rn
    FROM ${PPP} WHERE is_active AND ${IN_RANGE}
  ) AS ranked WHERE rn > 1)`
/** The fix: the newest row per (game_id, player_lookup, system_id) is the active one. */
const FIXED_DEACTIVATION = `UPDATE ${PPP} SET is_active = TRUE WHERE prediction_id IN (
  SELECT prediction_id FROM (
    SELECT prediction_id, ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup, system_id ORDER BY created_at DESC) AS rn
    FROM ${PPP} WHERE NOT COALESCE(superseded, FALSE) AND ${IN_RANGE}
  ) AS ranked WHERE rn = 1)`

let replay: Replay
let graded: Map<string, string>
let damaged: RunResult

beforeAll(async () => {
  replay = await publishedSample()
  graded = await fingerprint(replay.adapter, PA)
  const predicted = await run(replay.healthy, replay.adapter, {
    selection: { actions: ['player_prop_predictions'], includeDeps: true },
    ...RANGE,
  })
  expect(notSucceeded(predicted)).toEqual([])
  await replay.adapter.execute(`INSERT INTO ${PPP} SELECT * REPLACE (uuid()::VARCHAR AS prediction_id,
    'moving_average' AS system_id, CAST(ROUND(predicted_points) AS DECIMAL(5,1)) AS predicted_points)
    FROM ${PPP} WHERE is_active AND ${IN_RANGE}`)
  await replay.adapter.execute(LEGACY_DEACTIVATION)
  damaged = await run(replay.healthy, replay.adapter, { selection: WHOLE_PIPELINE, ...RANGE })
}, 240_000)
afterAll(async () => replay.adapter.close())

describe('I-12: deactivation partitioned without system_id', () => {
  it('leaves half the keys without an active row, and A-12a fails on both dates', async () => {
    const [active] = await rows<{ share: number }>(
      replay.adapter,
      `SELECT AVG(CASE WHEN is_active THEN 1.0 ELSE 0.0 END) AS share FROM ${PPP} WHERE ${IN_RANGE}`,
    )
    expect(active?.share).toBeCloseTo(0.5, 2)
    expect(failedDates(damaged, CHECK)).toEqual([RANGE.from, RANGE.to])
    expectNamed(failures(damaged, CHECK)[0], CHECK, /offending row\(s\).*system_id catboost_v8, active_rows 0/)
    console.log(`I-12 replay: ${failures(damaged, CHECK)[0]?.message}`)
    expect(statusOf(damaged, 'prediction_accuracy')).toBe('skipped')
    expect(failedDates(damaged, 'a14c_predictions_match_store')).toEqual([RANGE.from, RANGE.to])
  })

  it('grades nothing of the damaged dates and changes no grade published before them', async () => {
    expect(await countBetween(replay.adapter, PA, RANGE.from, RANGE.to)).toBe(0)
    expect(await fingerprint(replay.adapter, PA)).toEqual(graded)
  })

  it('grades the dates once the fixed deactivation restores one active row per system', async () => {
    await replay.adapter.execute(FIXED_DEACTIVATION)
    const fixed = await run(replay.healthy, replay.adapter, { selection: WHOLE_PIPELINE, ...RANGE })
    expect(notSucceeded(fixed)).toEqual([])
    expect(failedDates(fixed, CHECK)).toEqual([])
    expect(await countBetween(replay.adapter, PA, RANGE.from, RANGE.to)).toBeGreaterThan(300)
  })
})

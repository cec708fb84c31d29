/**
 * Benign noise (issue 14): what the sources do on an ordinary night must pass every check and leave
 * one feature row per player and date and one active prediction per key:
 *   - the odds scraper ran twice (identical Odds API rows on 2024-12-09..12-10);
 *   - the context processor ran again, leaving duplicates with an older created_at (same dates);
 *   - a late box score: one game of 2024-12-11 is not final and has no box score when 12-11 is built
 *     and graded; it arrives the next day, and the next daily run (through 2024-12-14) builds the new
 *     dates with the game in their history and grades it: grading reopens the recent dates where a
 *     gradable prediction has an actual row but no graded row (interval.reopen, DOMAIN §5.3). The rows
 *     of 12-11 already graded stay (regraded in place), the predictions are untouched, and a run after
 *     that reopens nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Replay } from './support.js'
import {
  DAMAGE_FROM,
  FS,
  PA,
  PPP,
  WHOLE_PIPELINE,
  fingerprint,
  notSucceeded,
  publishedSample,
  rows,
  run,
} from './support.js'

const NOISE = `game_date BETWEEN DATE '${DAMAGE_FROM}' AND DATE '2024-12-10'`
const LATE_DATE = '2024-12-11'
const PGS = 'nba_analytics.player_game_summary'
const TEAMS = 'nba_analytics.team_offense_game_summary'
const SCHEDULE = 'nba_reference.nba_schedule'

let replay: Replay
let lateGame: string

async function gradedIds(adapter: Replay['adapter']): Promise<string[]> {
  const found = await rows<{ id: string }>(
    adapter,
    `SELECT prediction_id AS id FROM ${PA} WHERE game_date <= DATE '${LATE_DATE}'`,
  )
  return found.map((r) => r.id)
}

async function failedErrors(result: Awaited<ReturnType<typeof run>>): Promise<string[]> {
  return result.actions
    .flatMap((a) => a.checks)
    .filter((c) => !c.passed && !c.skipped && c.severity === 'error')
    .map((c) => c.message)
}

beforeAll(async () => {
  replay = await publishedSample()
  const { adapter } = replay
  await adapter.execute(`INSERT INTO nba_raw.odds_api_player_points_props
    SELECT * FROM nba_raw.odds_api_player_points_props WHERE ${NOISE}`)
  await adapter.execute(`INSERT INTO nba_analytics.upcoming_player_game_context
    SELECT * REPLACE (created_at - INTERVAL 6 HOUR AS created_at) FROM nba_analytics.upcoming_player_game_context WHERE ${NOISE}`)
  const [game] = await rows<{ game_id: string }>(
    adapter,
    `SELECT MIN(game_id) AS game_id FROM ${SCHEDULE} WHERE game_date = DATE '${LATE_DATE}'`,
  )
  lateGame = game!.game_id
  await adapter.execute(`CREATE TABLE late_box AS SELECT * FROM ${PGS} WHERE game_id = '${lateGame}'`)
  await adapter.execute(`CREATE TABLE late_team AS SELECT * FROM ${TEAMS} WHERE game_id = '${lateGame}'`)
  await adapter.execute(`DELETE FROM ${PGS} WHERE game_id = '${lateGame}'`)
  await adapter.execute(`DELETE FROM ${TEAMS} WHERE game_id = '${lateGame}'`)
  await adapter.execute(`UPDATE ${SCHEDULE} SET game_status = 'Scheduled' WHERE game_id = '${lateGame}'`)
}, 240_000)
afterAll(async () => replay.adapter.close())

describe('benign noise', () => {
  it('builds the noisy dates and the date before the late box score without a failed check', async () => {
    const result = await run(replay.healthy, replay.adapter, {
      selection: WHOLE_PIPELINE,
      from: DAMAGE_FROM,
      to: LATE_DATE,
    })
    expect(notSucceeded(result)).toEqual([])
    expect(await failedErrors(result)).toEqual([])
  })

  it('builds the next dates once the late box score has arrived and grades the late game on that run', async () => {
    const { adapter } = replay
    const gradedBefore = await gradedIds(adapter)
    const predictionsBefore = await fingerprint(adapter, PPP)
    await adapter.execute(
      `INSERT INTO ${PGS} SELECT * REPLACE (created_at + INTERVAL 1 DAY AS created_at) FROM late_box`,
    )
    await adapter.execute(`INSERT INTO ${TEAMS} SELECT * FROM late_team`)
    await adapter.execute(`UPDATE ${SCHEDULE} SET game_status = 'Final' WHERE game_id = '${lateGame}'`)
    // The next daily run: no --from, everything missing through 2024-12-14, plus what grading reopens.
    const result = await run(replay.healthy, adapter, { selection: WHOLE_PIPELINE, to: '2024-12-14' })
    expect(notSucceeded(result)).toEqual([])
    expect(await failedErrors(result)).toEqual([])
    const late = await rows<{ graded: number; gradable: number; runs: string }>(
      adapter,
      `SELECT (SELECT COUNT(*) FROM ${PA} WHERE game_id = '${lateGame}') AS graded,
         (SELECT string_agg(DISTINCT run_id, ',') FROM ${PA} WHERE game_id = '${lateGame}') AS runs,
         (SELECT COUNT(*) FROM ${PPP} p JOIN late_box b USING (player_lookup, game_id)
          WHERE p.current_points_line IS NOT NULL AND p.current_points_line <> 20.0 AND p.is_active
            AND p.line_source IN ('ACTUAL_PROP', 'ODDS_API', 'BETTINGPROS') AND p.invalidation_reason IS NULL) AS gradable`,
    )
    expect(late[0]?.gradable).toBeGreaterThan(0)
    expect(late[0]?.graded).toBe(late[0]?.gradable)
    expect(late[0]?.runs).toBe(result.runId)
    // Nothing graded before is lost; the predictions (and their run ids) are untouched.
    const gradedAfter = await gradedIds(adapter)
    expect(gradedBefore.filter((id) => !gradedAfter.includes(id))).toEqual([])
    expect(gradedAfter.length).toBe(gradedBefore.length + Number(late[0]?.graded))
    const predictionsAfter = await fingerprint(adapter, PPP)
    for (const [date, print] of predictionsBefore) expect(predictionsAfter.get(date), date).toBe(print)
    const [history] = await rows<{ n: number }>(
      adapter,
      `SELECT COUNT(*) AS n FROM ${FS} f JOIN late_box b ON b.player_lookup = f.player_lookup
       WHERE f.game_date BETWEEN DATE '2024-12-12' AND DATE '2024-12-14' AND b.points IS NOT NULL
         AND list_contains(f.historical_completeness.contributing_game_dates, DATE '${LATE_DATE}')`,
    )
    expect(history?.n).toBeGreaterThan(0)
  })

  it('reopens nothing on the run after (every gradable prediction with an actual row is graded)', async () => {
    const again = await run(replay.healthy, replay.adapter, {
      selection: { actions: ['prediction_accuracy'] },
      to: '2024-12-14',
    })
    expect(notSucceeded(again)).toEqual([])
    expect(again.actions.find((a) => a.name === 'prediction_accuracy')?.rowsWritten ?? 0).toBe(0)
  })

  it('leaves one feature row per player and date and one active prediction per key', async () => {
    const [duplicates] = await rows<{ fs: number; ppp: number }>(
      replay.adapter,
      `SELECT
        (SELECT COUNT(*) FROM (SELECT 1 FROM ${FS} GROUP BY player_lookup, game_date HAVING COUNT(*) > 1)) AS fs,
        (SELECT COUNT(*) FROM (SELECT 1 FROM ${PPP} WHERE is_active GROUP BY game_id, player_lookup, system_id HAVING COUNT(*) > 1)) AS ppp`,
    )
    expect(duplicates).toEqual({ fs: 0, ppp: 0 })
    const [rowsPerDate] = await rows<{ n: number }>(replay.adapter, `SELECT COUNT(*) AS n FROM ${FS} WHERE ${NOISE}`)
    expect(rowsPerDate?.n).toBeGreaterThan(300)
  })
})

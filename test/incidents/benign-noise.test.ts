/**
 * Benign noise (issue 14): what the sources do on an ordinary night must pass every check and leave
 * one feature row per player and date and one active prediction per key:
 *   - the odds scraper ran twice (identical Odds API rows on 2024-12-09..12-10);
 *   - the context processor ran again, leaving duplicates with an older created_at (same dates);
 *   - a late box score: one game of 2024-12-11 is not final and has no box score when 12-11 is built;
 *     it arrives the next day, and 2024-12-12..12-14 are built with it. Its predictions of 12-11 were graded
 *     before it was final: A-12b names 12-11 until grading of that date is restated (a gap: grading
 *     has no lookback over recent dates), after which every check passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Replay } from './support.js'
import { DAMAGE_FROM, FS, PPP, WHOLE_PIPELINE, notSucceeded, publishedSample, rows, run } from './support.js'

const NOISE = `game_date BETWEEN DATE '${DAMAGE_FROM}' AND DATE '2024-12-10'`
const LATE_DATE = '2024-12-11'
const PGS = 'nba_analytics.player_game_summary'
const TEAMS = 'nba_analytics.team_offense_game_summary'
const SCHEDULE = 'nba_reference.nba_schedule'

let replay: Replay
let lateGame: string

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

  it('builds the next date once the late box score has arrived, with its game in the history', async () => {
    const { adapter } = replay
    await adapter.execute(
      `INSERT INTO ${PGS} SELECT * REPLACE (created_at + INTERVAL 1 DAY AS created_at) FROM late_box`,
    )
    await adapter.execute(`INSERT INTO ${TEAMS} SELECT * FROM late_team`)
    await adapter.execute(`UPDATE ${SCHEDULE} SET game_status = 'Final' WHERE game_id = '${lateGame}'`)
    const result = await run(replay.healthy, adapter, {
      selection: WHOLE_PIPELINE,
      from: '2024-12-12',
      to: '2024-12-14',
    })
    // Grading of 12-11 ran before the game was final: A-12b says so (and only that) until 12-11 is
    // regraded. Grading has no lookback over dates whose games turned final later (issue 14 note).
    expect(await failedErrors(result)).toEqual([expect.stringMatching(/^a12b_grading_coverage failed on 2024-12-11:/)])
    const regraded = await run(replay.healthy, adapter, {
      selection: { actions: ['prediction_accuracy'] },
      from: LATE_DATE,
      to: LATE_DATE,
      restate: true,
    })
    expect(notSucceeded(regraded)).toEqual([])
    expect(await failedErrors(regraded)).toEqual([])
    const [history] = await rows<{ n: number }>(
      adapter,
      `SELECT COUNT(*) AS n FROM ${FS} f JOIN late_box b ON b.player_lookup = f.player_lookup
       WHERE f.game_date BETWEEN DATE '2024-12-12' AND DATE '2024-12-14' AND b.points IS NOT NULL
         AND list_contains(f.historical_completeness.contributing_game_dates, DATE '${LATE_DATE}')`,
    )
    expect(history?.n).toBeGreaterThan(0)
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

/**
 * I-8 replayed: the daily store read its Vegas line from the analytics context, whose line was filled
 * for only part of the players with a prop (legacy: 99.4% of prop players with a line, then 43%).
 * From 2024-12-09 the context keeps a line for about 40% of the players (the data as it was), and the
 * store's real definition reads the context line instead of the one line selection (the code as it
 * was). A-08a (share of prop players with a line over 7 days) warns below 0.80 and fails below 0.50
 * once the window is mostly damage, so the predictions of the range are never written. The reverted
 * code restates the range from the sportsbook lines, and it publishes.
 *
 * A-08d (daily against backfill coverage of the same date, from the execution log): the repaired
 * range rebuilt in backfill mode by the same code has the daily share exactly (healthy gap 0.000); a
 * daily run made before a third of the props were scraped, then backfilled once they arrived, warns
 * on each such date (the daily share 0.15-0.18 below the backfill's).
 *
 * Tried: with A-08a's error removed, the prediction audit still stops the range, from its first
 * date: A-01a (a real prop priced without has_vegas_line fed) failed on 2024-12-09, 68 of 101 rows.
 * A-08a names the store and the coverage; A-01a is the last stop before a prediction is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mlFeatureStoreV2 } from '../../definitions/features/ml-feature-store-v2.js'
import { incremental, sql } from '../../src/index.js'
import { runPipeline } from '../../src/runner/run.js'
import { testRun } from '../support/fixtures.js'
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
  publishedSample,
  rows,
  run,
} from './support.js'

const CHECK = 'feature_store_vegas_coverage'
const MODES_CHECK = 'feature_store_vegas_coverage_modes'
const LATE = { from: '2024-12-20', to: '2024-12-24' }
const LATE_RANGE = `game_date BETWEEN DATE '${LATE.from}' AND DATE '${LATE.to}'`
const PROPS = ['nba_raw.odds_api_player_points_props', 'nba_raw.bettingpros_player_points_props']
const FEATURES_AND_PREDICTIONS = { actions: ['ml_feature_store_v2', 'player_prop_predictions'] }
const CONTEXT = 'nba_analytics.upcoming_player_game_context'

if (mlFeatureStoreV2.kind !== 'incremental') throw new Error('ml_feature_store_v2 is not an incremental definition')
const { kind: _kind, query, ...config } = mlFeatureStoreV2

/** The store reading its Vegas line from the context's newest row (legacy daily mode). */
const contextVegas = incremental({
  ...config,
  query: (ctx) => sql`SELECT * EXCLUDE (context_line, context_opening) REPLACE (
    CAST(context_line AS DOUBLE) AS vegas_points_line,
    CAST(context_opening AS DOUBLE) AS vegas_opening_line,
    CAST(context_line - context_opening AS DOUBLE) AS vegas_line_move,
    CASE WHEN context_line IS NULL THEN 0.0 ELSE 1.0 END AS has_vegas_line,
    CASE WHEN context_line IS NULL THEN 'none' ELSE 'odds_api' END AS vegas_line_source)
FROM (
  SELECT f.*, c.current_points_line AS context_line, c.opening_points_line AS context_opening
  FROM (${query(ctx)}) AS f
  LEFT JOIN (
    SELECT player_lookup, game_date, current_points_line, opening_points_line FROM ${ctx.ref('upcoming_player_game_context')}
    QUALIFY ROW_NUMBER() OVER (PARTITION BY player_lookup, game_date ORDER BY created_at DESC) = 1
  ) AS c ON c.player_lookup = f.player_lookup AND c.game_date = f.game_date
) AS with_context_lines`,
})

let replay: Replay
let damaged: RunResult

beforeAll(async () => {
  replay = await publishedSample()
  await replay.adapter.execute(`UPDATE ${CONTEXT} SET current_points_line = NULL, opening_points_line = NULL
    WHERE game_date >= DATE '${DAMAGE_FROM}' AND hash(player_lookup) % 10 < 6`)
  const broken = await compileReal('duckdb', [contextVegas])
  damaged = await run(broken, replay.adapter, { selection: WHOLE_PIPELINE, from: DAMAGE_FROM })
}, 240_000)
afterAll(async () => replay.adapter.close())

describe('I-8: daily Vegas lines read from the analytics context', () => {
  it('warns, then fails A-08a once the 7-day window is mostly damage', () => {
    const failed = failedDates(damaged, CHECK)
    expect(failed.length).toBeGreaterThan(5)
    expect(failed.every((d) => d > DAMAGE_FROM)).toBe(true)
    expectNamed(failures(damaged, CHECK)[0], CHECK, /share_with_vegas_line 0\.4\d\d/)
    const warned = damaged.actions
      .flatMap((a) => a.checks)
      .filter((c) => c.assertion === 'feature_store_vegas_coverage_low' && !c.passed && !c.skipped)
      .map((c) => String(c.partition))
    expect(warned[0]! < failed[0]!).toBe(true)
    console.log(`I-8 replay: ${failures(damaged, CHECK)[0]?.message}`)
  })

  it('writes no prediction or grade of the damaged dates and changes nothing published before them', async () => {
    await expectNothingPublishedChanged(replay, damaged)
  })

  it('publishes the range once the reverted code restates it from the sportsbook lines', async () => {
    const rest = await expectRepairPublishes(replay, ['ml_feature_store_v2'])
    expect(failedDates(rest, CHECK)).toEqual([])
  })
})

/** The checks' outcomes of a run for one assertion, failed ones only, as `date: message`. */
function modeWarnings(result: RunResult): string[] {
  return result.actions
    .flatMap((a) => a.checks)
    .filter((c) => c.assertion === MODES_CHECK && !c.passed && !c.skipped)
    .map((c) => `${String(c.partition)}: ${c.message}`)
}

function restateInMode(mode: 'daily' | 'backfill') {
  return runPipeline({
    graph: replay.healthy,
    adapter: replay.adapter,
    run: testRun({ mode }),
    runsDir: null,
    selection: FEATURES_AND_PREDICTIONS,
    ...LATE,
    restate: true,
  })
}

async function modeShares(): Promise<{ daily: number; backfill: number }[]> {
  return rows<{ daily: number; backfill: number }>(
    replay.adapter,
    `SELECT MAX(CASE WHEN feature_source_mode = 'daily' THEN share_with_vegas_line END) AS daily,
       MAX(CASE WHEN feature_source_mode = 'backfill' THEN share_with_vegas_line END) AS backfill
     FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY game_date, feature_source_mode ORDER BY execution_start_timestamp DESC) AS r
           FROM nba_predictions.prediction_execution_log WHERE status = 'completed' AND ${LATE_RANGE}) AS l
     WHERE r = 1 GROUP BY game_date ORDER BY game_date`,
  )
}

describe('A-08d: the daily build against a backfill of the same dates', () => {
  it('stays quiet when the backfill sees what the daily run saw (healthy gap 0.000)', async () => {
    const result = await restateInMode('backfill')
    expect(result.ok).toBe(true)
    const shares = await modeShares()
    expect(shares).toHaveLength(4) // no game on 12-24
    for (const s of shares) expect(s.backfill).toBeCloseTo(s.daily, 9)
    expect(modeWarnings(result)).toEqual([])
  })

  it('warns on each date whose daily run missed lines the backfill found', async () => {
    for (const table of PROPS) {
      const late = `${table.split('.')[1]}_late`
      await replay.adapter.execute(`CREATE TABLE ${late} AS SELECT * FROM ${table}
        WHERE ${LATE_RANGE} AND hash(player_lookup) % 3 = 0`)
      await replay.adapter.execute(`DELETE FROM ${table} WHERE ${LATE_RANGE} AND hash(player_lookup) % 3 = 0`)
    }
    const daily = await restateInMode('daily')
    expect(modeWarnings(daily)).toEqual([])
    for (const table of PROPS)
      await replay.adapter.execute(`INSERT INTO ${table} SELECT * FROM ${table.split('.')[1]}_late`)
    const backfilled = await restateInMode('backfill')
    const warned = modeWarnings(backfilled)
    expect(warned.map((w) => w.slice(0, 10))).toEqual(['2024-12-20', '2024-12-21', '2024-12-22', '2024-12-23'])
    expect(warned[0]).toMatch(
      /feature_store_vegas_coverage_modes failed on 2024-12-20: Vegas line share, backfill minus daily 0\.1\d\d > 0\.1/,
    )
    console.log(`I-8 replay, A-08d: ${warned[0]}; shares ${JSON.stringify(await modeShares())}`)
  })
})

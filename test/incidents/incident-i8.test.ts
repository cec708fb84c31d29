/**
 * I-8 replayed: the daily store read its Vegas line from the analytics context, whose line was filled
 * for only part of the players with a prop (legacy: 99.4% of prop players with a line, then 43%).
 * From 2024-12-09 the context keeps a line for about 40% of the players (the data as it was), and the
 * store's real definition reads the context line instead of the one line selection (the code as it
 * was). A-08a (share of prop players with a line over 7 days) warns below 0.80 and fails below 0.50
 * once the window is mostly damage, so the predictions of the range are never written. The reverted
 * code restates the range from the sportsbook lines, and it publishes.
 *
 * Tried: with A-08a's error removed, the prediction audit still stops the range, from its first
 * date: A-01a (a real prop priced without has_vegas_line fed) failed on 2024-12-09, 68 of 101 rows.
 * A-08a names the store and the coverage; A-01a is the last stop before a prediction is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mlFeatureStoreV2 } from '../../definitions/features/ml-feature-store-v2.js'
import { incremental, sql } from '../../src/index.js'
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
  run,
} from './support.js'

const CHECK = 'feature_store_vegas_coverage'
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

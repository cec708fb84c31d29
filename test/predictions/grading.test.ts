import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { INJURY_REPORT_TABLE, PLAYER_GAME_SUMMARY_TABLE, createTableSql } from '../../scripts/seed/tables.js'
import { memoryAdapter } from '../support/fixtures.js'
import { SHA_A, SHA_B, action, compileReal, migrate, rows, run } from './support.js'

/**
 * Grading rules (DOMAIN §5.3) on a hand-made prediction table: one prediction per case, each for
 * its own player on 2026-01-10, graded by the real prediction_accuracy action.
 */
const DAY = '2026-01-10'
const GAME = '20260110_BOS_NYK'

interface Case {
  readonly player: string
  readonly rec: string
  readonly line: number | null
  readonly predicted: number
  readonly source?: string
  readonly active?: boolean
  readonly superseded?: boolean
  readonly invalidated?: boolean
  readonly injury?: string
  /** Box score: points and minutes, or 'dnp', or undefined for no row. */
  readonly box?: { points: number | null; minutes: number | null; dnp?: boolean }
  readonly postgame?: string
}

const CASES: readonly Case[] = [
  { player: 'overwin', rec: 'OVER', line: 14.5, predicted: 18.2, box: { points: 20, minutes: 30 } },
  { player: 'overloss', rec: 'OVER', line: 14.5, predicted: 16.0, box: { points: 10, minutes: 28 } },
  { player: 'underwin', rec: 'UNDER', line: 22.5, predicted: 19.0, box: { points: 12, minutes: 31 } },
  { player: 'zeropoints', rec: 'UNDER', line: 6.5, predicted: 4.9, box: { points: 0, minutes: 12 } },
  { player: 'pass', rec: 'PASS', line: 12.5, predicted: 12.9, box: { points: 15, minutes: 25 } },
  {
    player: 'noline',
    rec: 'NO_LINE',
    line: null,
    predicted: 6.0,
    source: 'NO_PROP_LINE',
    box: { points: 4, minutes: 10 },
  },
  { player: 'push', rec: 'OVER', line: 15.0, predicted: 17.5, box: { points: 15, minutes: 29 } },
  { player: 'placeholder', rec: 'OVER', line: 20.0, predicted: 24.0, box: { points: 25, minutes: 33 } },
  {
    player: 'dnpout',
    rec: 'OVER',
    line: 11.5,
    predicted: 13.0,
    injury: 'OUT',
    box: { points: null, minutes: null, dnp: true },
  },
  {
    player: 'dnpscratch',
    rec: 'UNDER',
    line: 9.5,
    predicted: 7.0,
    postgame: 'QUESTIONABLE',
    box: { points: null, minutes: null, dnp: true },
  },
  { player: 'unmarkeddnp', rec: 'OVER', line: 8.5, predicted: 10.0, box: { points: null, minutes: null } },
  {
    player: 'superseded',
    rec: 'UNDER',
    line: 18.5,
    predicted: 15.0,
    active: false,
    superseded: true,
    box: { points: 14, minutes: 30 },
  },
  {
    player: 'inactive',
    rec: 'UNDER',
    line: 18.5,
    predicted: 15.0,
    active: false,
    superseded: false,
    box: { points: 14, minutes: 30 },
  },
  {
    player: 'invalidated',
    rec: 'OVER',
    line: 10.5,
    predicted: 13.0,
    invalidated: true,
    box: { points: 12, minutes: 22 },
  },
  { player: 'noactual', rec: 'OVER', line: 10.5, predicted: 13.0 },
  {
    player: 'bootstrap',
    rec: 'PASS',
    line: 10.5,
    predicted: 10.0,
    source: 'NEEDS_BOOTSTRAP',
    box: { points: 12, minutes: 22 },
  },
]

let adapter: DuckDbAdapter
let graph: CompiledGraph

const sqlValue = (v: string | number | boolean | null | undefined) =>
  v === null || v === undefined ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v)

async function loadCases(): Promise<void> {
  await adapter.execute('CREATE SCHEMA IF NOT EXISTS nba_analytics; CREATE SCHEMA IF NOT EXISTS nba_raw')
  await adapter.execute(createTableSql(PLAYER_GAME_SUMMARY_TABLE))
  await adapter.execute(createTableSql(INJURY_REPORT_TABLE))
  for (const [i, c] of CASES.entries()) {
    const cf = `'{"vegas_points_line":${c.line ?? 'null'},"has_vegas_line":${c.line === null ? 0 : 1},"ppm_avg_last_10":0.5,"avg_points_vs_opponent":12,"team_win_pct":0.5,"pace_score":0,"usage_spike_score":0,"feature_quality_score":95}'`
    await adapter.execute(`INSERT INTO nba_predictions.player_prop_predictions
      (prediction_id, system_id, player_lookup, game_date, game_id, prediction_version, predicted_points, confidence_score, recommendation, has_prop_line,
       current_points_line, line_source, sportsbook, line_source_api, is_actionable, injury_status_at_prediction, injury_flag_at_prediction,
       invalidation_reason, feature_version, feature_quality_score, model_version, created_at, build_commit_sha, deployment_revision, predicted_at,
       critical_features, execution_id, is_active, superseded, model_input_hash)
      VALUES ('p-${c.player}', 'catboost_v8', '${c.player}', DATE '${DAY}', '${GAME}', 1, ${c.predicted}, ${0.8 + i / 100}, '${c.rec}', ${c.line !== null},
       ${sqlValue(c.line)}, '${c.source ?? 'ACTUAL_PROP'}', 'DRAFTKINGS', 'ODDS_API', TRUE, ${sqlValue(c.injury)}, ${c.injury !== undefined},
       ${c.invalidated ? "'game_postponed'" : 'NULL'}, 'v2_33features', 95, 'catboost_v8@test', now(), '${'9'.repeat(40)}', 'local', now(),
       ${cf}, 'exec-1', ${c.active ?? true}, ${c.superseded ?? false}, 'hash')`)
    if (c.box) {
      await adapter.execute(`INSERT INTO nba_analytics.player_game_summary (player_lookup, game_id, game_date, team_abbr, opponent_team_abbr, season_year, points, minutes_played, is_dnp)
        VALUES ('${c.player}', '${GAME}', DATE '${DAY}', 'NYK', 'BOS', 2025, ${sqlValue(c.box.points)}, ${sqlValue(c.box.minutes)}, ${c.box.dnp ?? false})`)
    }
    if (c.postgame) {
      await adapter.execute(`INSERT INTO nba_raw.nbac_injury_report (player_lookup, game_date, report_timestamp, injury_status, reason)
        VALUES ('${c.player}', DATE '${DAY}', TIMESTAMP '${DAY} 17:00:00', '${c.postgame}', 'illness')`)
    }
  }
}

type Graded = Record<string, string | number | boolean | null>
const graded = async (): Promise<Map<string, Graded>> =>
  new Map(
    (await rows<Graded>(adapter, 'SELECT * FROM nba_predictions.prediction_accuracy')).map((r) => [
      r.player_lookup as string,
      r,
    ]),
  )

beforeAll(async () => {
  adapter = await memoryAdapter()
  graph = await compileReal()
  await migrate(adapter)
  await loadCases()
  const result = await run(graph, adapter, {
    selection: { actions: ['prediction_accuracy'] },
    from: DAY,
    to: DAY,
    sha: SHA_A,
  })
  expect(action(result, 'prediction_accuracy').status).toBe('succeeded')
})
afterAll(async () => adapter.close())

describe('grading (DOMAIN §5.3)', () => {
  it('grades exactly the gradable predictions that have an actual row', async () => {
    const players = [...(await graded()).keys()].sort()
    expect(players).toEqual([
      'dnpout',
      'dnpscratch',
      'overloss',
      'overwin',
      'pass',
      'push',
      'superseded',
      'underwin',
      'unmarkeddnp',
      'zeropoints',
    ])
  })

  it('scores OVER and UNDER by the side of the line the actual points fell on', async () => {
    const g = await graded()
    expect(g.get('overwin')).toMatchObject({
      prediction_correct: true,
      actual_points: 20,
      absolute_error: 1.8,
      signed_error: -1.8,
      predicted_margin: 3.7,
      actual_margin: 5.5,
      within_3_points: true,
      within_5_points: true,
    })
    expect(g.get('overloss')).toMatchObject({
      prediction_correct: false,
      actual_points: 10,
      absolute_error: 6,
      within_3_points: false,
      within_5_points: false,
    })
    expect(g.get('underwin')).toMatchObject({ prediction_correct: true, signed_error: 7 })
    expect(g.get('zeropoints')).toMatchObject({ prediction_correct: true, actual_points: 0, is_voided: false })
  })

  it('leaves prediction_correct NULL for PASS and pushes, but grades their errors', async () => {
    const g = await graded()
    expect(g.get('pass')).toMatchObject({ prediction_correct: null, actual_points: 15, absolute_error: 2.1 })
    expect(g.get('push')).toMatchObject({ prediction_correct: null, actual_points: 15, actual_margin: 0 })
  })

  it('voids DNPs with the reason known before the game, else after it', async () => {
    const g = await graded()
    expect(g.get('dnpout')).toMatchObject({
      is_voided: true,
      void_reason: 'dnp_injury_confirmed',
      actual_points: null,
      prediction_correct: null,
      absolute_error: null,
      pre_game_injury_flag: true,
      pre_game_injury_status: 'OUT',
    })
    expect(g.get('dnpscratch')).toMatchObject({
      is_voided: true,
      void_reason: 'dnp_late_scratch',
      injury_confirmed_postgame: false,
      pre_game_injury_flag: false,
    })
    expect(g.get('unmarkeddnp')).toMatchObject({
      is_voided: true,
      void_reason: 'dnp_unknown',
      prediction_correct: null,
    })
  })

  it('keeps superseded predictions, flagged, and copies the prediction tracking', async () => {
    const g = await graded()
    expect(g.get('superseded')).toMatchObject({ is_superseded_prediction: true, prediction_correct: true })
    expect(g.get('overwin')).toMatchObject({
      is_superseded_prediction: false,
      build_commit_sha: '9'.repeat(40),
      grading_commit_sha: SHA_A,
      prediction_id: 'p-overwin',
      line_bookmaker: 'DRAFTKINGS',
      line_value: 14.5,
    })
    expect(JSON.parse(String(g.get('overwin')?.critical_features))).toMatchObject({
      has_vegas_line: 1,
      feature_quality_score: 95,
    })
  })

  it('derives the confidence decile as min(10, floor(confidence × 10) + 1)', async () => {
    const g = await graded()
    for (const row of g.values())
      expect(row.confidence_decile).toBe(Math.min(10, Math.floor(Number(row.confidence_score) * 10) + 1))
  })

  it('regrades in place: same rows, new grading sha, the superseded row kept', async () => {
    const before = await graded()
    const result = await run(graph, adapter, {
      selection: { actions: ['prediction_accuracy'] },
      from: DAY,
      to: DAY,
      restate: true,
      sha: SHA_B,
    })
    expect(action(result, 'prediction_accuracy').status).toBe('succeeded')
    const after = await graded()
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort())
    for (const row of after.values()) expect(row.grading_commit_sha).toBe(SHA_B)
    const [total] = await rows<{ n: number }>(adapter, 'SELECT COUNT(*) AS n FROM nba_predictions.prediction_accuracy')
    expect(total?.n).toBe(before.size)
  })
})

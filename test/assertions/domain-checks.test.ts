/**
 * Three domain assertions run on hand-made rows, each with a row that must pass and rows that must be
 * caught, so that a rewrite of their SQL for speed keeps what they catch:
 * - A-15a (feature_store_points_avg_no_leak): the rolling averages use only games strictly before D;
 * - A-15b (feature_store_contributing_dates_before): no contributing game date on or after D;
 * - A-01e (a01e_critical_features_match_store): the critical features as fed equal the store's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadProject } from '../../src/compiler/load.js'
import { compileProject } from '../../src/compiler/compile.js'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { REPO_ROOT, memoryAdapter } from '../support/fixtures.js'

let graph: CompiledGraph
let adapter: DuckDbAdapter

/** The rows an assertion selects as offending, ordered. */
async function offending(name: string, columns: string): Promise<Record<string, unknown>[]> {
  const query = graph.actions.find((a) => a.name === name)?.sql.query
  if (!query) throw new Error(`no query for ${name}`)
  return adapter.query(`SELECT ${columns} FROM (${query}) AS q ORDER BY ALL`)
}

beforeAll(async () => {
  graph = compileProject(await loadProject(REPO_ROOT), duckDbDialect)
  adapter = await memoryAdapter()
  await adapter.execute(`CREATE SCHEMA nba_analytics; CREATE SCHEMA nba_predictions;
    -- ann plays on days 1..6 (10, 20, ..., 60 points); bob never plays.
    CREATE TABLE nba_analytics.player_game_summary AS
      SELECT 'ann' AS player_lookup, DATE '2024-11-01' + CAST(i - 1 AS INTEGER) AS game_date, CAST(10 * i AS DOUBLE) AS points
      FROM range(1, 7) AS t(i);
    CREATE TABLE nba_predictions.ml_feature_store_v2 (
      player_lookup VARCHAR, game_date DATE, early_season_flag BOOLEAN,
      points_avg_last_5 DOUBLE, points_avg_last_10 DOUBLE,
      historical_completeness STRUCT(contributing_game_dates DATE[]),
      vegas_points_line DOUBLE, has_vegas_line DOUBLE, ppm_avg_last_10 DOUBLE, avg_points_vs_opponent DOUBLE,
      team_win_pct DOUBLE, pace_score DOUBLE, usage_spike_score DOUBLE, feature_quality_score DOUBLE);
    INSERT INTO nba_predictions.ml_feature_store_v2 VALUES
      -- day 6 has a game: the right averages are over days 1..5 (30, 30); days 2..6 would be the leak (40).
      ('ann', DATE '2024-11-06', false, 30, 30, {contributing_game_dates: [DATE '2024-11-01', NULL, DATE '2024-11-05']},
        20.5, 1, 0.5, NULL, 0.6, 1.5, 0, 90),
      -- day 7: the last 5 games are days 2..6 (40) and all 6 give 35; this row leaked nothing but says 30 and 35.
      ('ann', DATE '2024-11-07', false, 30, 35, {contributing_game_dates: [DATE '2024-11-06']},
        21.5, 1, 0.5, 12, 0.6, 1.5, 0, 90),
      -- a leaked row: the averages include the game of its own date, and so do its contributing dates.
      ('ann', DATE '2024-11-05', false, 30, 30, {contributing_game_dates: [DATE '2024-11-04', DATE '2024-11-05']},
        NULL, 0, 0.5, NULL, 0.6, 1.5, 0, 90),
      -- no game before: nothing to expect, and a value is a leak; early-season rows are out of A-15a's scope.
      ('bob', DATE '2024-11-03', false, NULL, NULL, {contributing_game_dates: []}, NULL, 0, NULL, NULL, 0.5, 0, 0, 70),
      ('bob', DATE '2024-11-04', false, 12, NULL, NULL, NULL, 0, NULL, NULL, 0.5, 0, 0, 70),
      ('bob', DATE '2024-11-05', true, 12, NULL, NULL, NULL, 0, NULL, NULL, 0.5, 0, 0, 70);
    CREATE TABLE nba_predictions.player_prop_predictions AS
      SELECT player_lookup, game_date, player_lookup || '-' || CAST(game_date AS VARCHAR) AS prediction_id,
        true AS is_active, 'catboost_v8' AS system_id,
        CAST(json_object('vegas_points_line', vegas_points_line, 'has_vegas_line', has_vegas_line,
          'ppm_avg_last_10', ppm_avg_last_10, 'avg_points_vs_opponent', avg_points_vs_opponent,
          'team_win_pct', team_win_pct, 'pace_score', pace_score, 'usage_spike_score', usage_spike_score,
          'feature_quality_score', feature_quality_score) AS VARCHAR) AS critical_features
      FROM nba_predictions.ml_feature_store_v2;
    -- fed differently from the store: ann's pace on day 7, bob's ppm (NULL in the store) on day 3.
    UPDATE nba_predictions.player_prop_predictions
      SET critical_features = replace(critical_features, '"pace_score":1.5', '"pace_score":1.4')
      WHERE player_lookup = 'ann' AND game_date = DATE '2024-11-07';
    UPDATE nba_predictions.player_prop_predictions
      SET critical_features = replace(critical_features, '"ppm_avg_last_10":null', '"ppm_avg_last_10":0.4')
      WHERE player_lookup = 'bob' AND game_date = DATE '2024-11-03';
    -- an inactive (superseded) row that differs is not A-01e's business.
    INSERT INTO nba_predictions.player_prop_predictions
      SELECT player_lookup, game_date, prediction_id || '-old', false, system_id, replace(critical_features, '90', '10')
      FROM nba_predictions.player_prop_predictions WHERE player_lookup = 'ann' AND game_date = DATE '2024-11-06';`)
})

afterAll(async () => {
  await adapter.close()
})

describe('domain assertions on hand-made rows', () => {
  it('A-15a catches averages that include the game of D or that exist without a game before D', async () => {
    expect(
      await offending(
        'feature_store_points_avg_no_leak',
        'player_lookup, CAST(game_date AS VARCHAR) AS d, points_avg_last_5, expected_last_5, points_avg_last_10, expected_last_10',
      ),
    ).toEqual([
      {
        player_lookup: 'ann',
        d: '2024-11-05',
        points_avg_last_5: 30,
        expected_last_5: null,
        points_avg_last_10: 30,
        expected_last_10: 25,
      },
      {
        player_lookup: 'ann',
        d: '2024-11-07',
        points_avg_last_5: 30,
        expected_last_5: 40,
        points_avg_last_10: 35,
        expected_last_10: 35,
      },
      {
        player_lookup: 'bob',
        d: '2024-11-04',
        points_avg_last_5: 12,
        expected_last_5: null,
        points_avg_last_10: null,
        expected_last_10: null,
      },
    ])
  })

  it('A-15b catches a contributing date on or after D and ignores NULL elements and empty lists', async () => {
    expect(
      await offending('feature_store_contributing_dates_before', 'player_lookup, CAST(game_date AS VARCHAR) AS d'),
    ).toEqual([{ player_lookup: 'ann', d: '2024-11-05' }])
  })

  it('A-01e names the first critical feature fed differently from the store, on active rows only', async () => {
    expect(
      await offending(
        'a01e_critical_features_match_store',
        'player_lookup, CAST(game_date AS VARCHAR) AS d, first_mismatch',
      ),
    ).toEqual([
      { player_lookup: 'ann', d: '2024-11-07', first_mismatch: 'pace_score' },
      { player_lookup: 'bob', d: '2024-11-03', first_mismatch: 'ppm_avg_last_10' },
    ])
  })
})

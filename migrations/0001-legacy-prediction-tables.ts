/**
 * The three persistent tables as the legacy system had them before the tracking change
 * (DOMAIN.md §4, without the tracking, supersede and run-id columns that 0002 adds, and
 * without prediction_execution_log, which 0003 creates).
 *
 * Deliberate differences from the legacy DDL, because the legacy form is not kept:
 * - the feature store holds one nullable FLOAT64 column per V8 feature (store indexes 0–32
 *   plus has_shot_zone_data) instead of the `features ARRAY<FLOAT64>` / `feature_names`
 *   pair, which could not hold NULL;
 * - confidence columns use the rebuild's NUMERIC(4,3) on 0–1;
 * - the clutter DOMAIN.md lists as dropped (circuit-breaker, rule-adjustment, kalshi_*, …)
 *   is not created; `quality_tier` is declared (the legacy DDL omitted it).
 *
 * NOT NULL is set only on columns every legacy row had. Every column is spelled out here:
 * a migration never imports includes/, so it keeps its meaning after the catalog changes.
 * BigQuery: partitioned by game_date, clustered as DOMAIN.md §4 says, require_partition_filter.
 */
import { defineMigration } from '#pipeline'
import type { ColumnSpec, Target } from '#pipeline'

const DATASET = 'nba_predictions'
const FEATURE_STORE: Target = { dataset: DATASET, name: 'ml_feature_store_v2' }
const PREDICTIONS: Target = { dataset: DATASET, name: 'player_prop_predictions' }
const ACCURACY: Target = { dataset: DATASET, name: 'prediction_accuracy' }

const col = (name: string, type: string, nullable = true): ColumnSpec => (nullable ? { name, type } : { name, type, nullable: false })
const cols = (type: string, names: readonly string[]): ColumnSpec[] => names.map((name) => col(name, type))

// Store indexes 0–32 in order, then has_shot_zone_data (model index 33).
const FEATURE_NAMES = [
  'points_avg_last_5', 'points_avg_last_10', 'points_avg_season', 'points_std_last_10', 'games_in_last_7_days',
  'fatigue_score', 'shot_zone_mismatch_score', 'pace_score', 'usage_spike_score',
  'rest_advantage', 'injury_risk', 'recent_trend', 'minutes_change',
  'opponent_def_rating', 'opponent_pace',
  'home_away', 'back_to_back', 'playoff_game',
  'pct_paint', 'pct_mid_range', 'pct_three', 'pct_free_throw',
  'team_pace', 'team_off_rating', 'team_win_pct',
  'vegas_points_line', 'vegas_opening_line', 'vegas_line_move', 'has_vegas_line',
  'avg_points_vs_opponent', 'games_vs_opponent',
  'minutes_avg_last_10', 'ppm_avg_last_10',
  'has_shot_zone_data',
]

const LINEAGE_SOURCES = ['daily_cache', 'composite', 'shot_zones', 'team_defense']

const FEATURE_STORE_COLUMNS: ColumnSpec[] = [
  col('player_lookup', 'STRING', false),
  col('game_date', 'DATE', false),
  col('game_id', 'STRING', false),
  col('universal_player_id', 'STRING'),
  ...cols('FLOAT64', FEATURE_NAMES),
  col('feature_sources', 'ARRAY<STRING>'),
  col('feature_count', 'INT64', false),
  col('feature_version', 'STRING', false),
  col('feature_generation_time_ms', 'INT64'),
  col('feature_quality_score', 'NUMERIC(5,2)'),
  col('quality_tier', 'STRING'),
  col('data_source', 'STRING', false),
  col('data_quality_issues', 'ARRAY<STRING>'),
  col('processing_decision_reason', 'STRING'),
  col('data_hash', 'STRING'),
  col('opponent_team_abbr', 'STRING'),
  col('is_home', 'BOOL'),
  col('days_rest', 'INT64'),
  ...LINEAGE_SOURCES.flatMap((source) => [
    col(`source_${source}_last_updated`, 'TIMESTAMP'),
    col(`source_${source}_rows_found`, 'INT64'),
    col(`source_${source}_completeness_pct`, 'NUMERIC(5,2)'),
    col(`source_${source}_hash`, 'STRING'),
  ]),
  col('early_season_flag', 'BOOL'),
  col('insufficient_data_reason', 'STRING'),
  ...cols('INT64', ['expected_games_count', 'actual_games_count', 'missing_games_count']),
  col('completeness_percentage', 'FLOAT64'),
  col('is_production_ready', 'BOOL'),
  col('historical_completeness', 'STRUCT<games_found INT64, games_expected INT64, is_complete BOOL, is_bootstrap BOOL, contributing_game_dates ARRAY<DATE>>'),
  col('created_at', 'TIMESTAMP', false),
]

const PREDICTION_COLUMNS: ColumnSpec[] = [
  col('prediction_id', 'STRING', false),
  col('system_id', 'STRING', false),
  col('player_lookup', 'STRING', false),
  col('universal_player_id', 'STRING'),
  col('game_date', 'DATE', false),
  col('game_id', 'STRING', false),
  col('prediction_version', 'INT64', false),
  col('predicted_points', 'NUMERIC(5,1)', false),
  col('confidence_score', 'NUMERIC(4,3)', false),
  col('recommendation', 'STRING', false),
  col('has_prop_line', 'BOOL'),
  col('current_points_line', 'NUMERIC(4,1)'),
  col('line_margin', 'NUMERIC(5,2)'),
  col('line_source', 'STRING'),
  col('estimated_line_value', 'NUMERIC(4,1)'),
  col('estimation_method', 'STRING'),
  col('line_source_api', 'STRING'),
  col('sportsbook', 'STRING'),
  col('was_line_fallback', 'BOOL'),
  col('line_minutes_before_game', 'INT64'),
  col('injury_status_at_prediction', 'STRING'),
  col('injury_flag_at_prediction', 'BOOL'),
  col('injury_reason_at_prediction', 'STRING'),
  col('injury_checked_at', 'TIMESTAMP'),
  col('invalidation_reason', 'STRING'),
  col('invalidated_at', 'TIMESTAMP'),
  col('is_actionable', 'BOOL'),
  col('filter_reason', 'STRING'),
  col('feature_version', 'STRING'),
  col('feature_count', 'INT64'),
  col('feature_quality_score', 'NUMERIC(5,2)'),
  col('feature_data_source', 'STRING'),
  col('early_season_flag', 'BOOL'),
  ...cols('INT64', ['expected_games_count', 'actual_games_count', 'missing_games_count']),
  col('completeness_percentage', 'FLOAT64'),
  col('is_production_ready', 'BOOL'),
  col('data_quality_issues', 'ARRAY<STRING>'),
  col('features_snapshot', 'JSON'),
  col('prediction_error_code', 'STRING'),
  col('prediction_warnings', 'ARRAY<STRING>'),
  col('raw_confidence_score', 'NUMERIC(4,3)'),
  col('calibrated_confidence_score', 'NUMERIC(4,3)'),
  col('calibration_method', 'STRING'),
  col('model_version', 'STRING'),
  ...cols('JSON', ['feature_importance', 'key_factors', 'warnings']),
  col('teammate_opportunity_score', 'FLOAT64'),
  col('teammate_out_starters', 'STRING'),
  col('teammate_usage_boost', 'FLOAT64'),
  ...cols('NUMERIC(5,2)', ['prediction_variance', 'system_agreement_score']),
  col('contributing_systems', 'INT64'),
  col('prediction_run_mode', 'STRING'),
  col('created_at', 'TIMESTAMP', false),
  col('updated_at', 'TIMESTAMP'),
]

// Legacy key: (player_lookup, game_id, system_id, line_value); prediction_id arrives in 0002.
const ACCURACY_COLUMNS: ColumnSpec[] = [
  col('player_lookup', 'STRING', false),
  col('game_id', 'STRING', false),
  col('system_id', 'STRING', false),
  col('game_date', 'DATE', false),
  col('predicted_points', 'NUMERIC(5,1)'),
  col('confidence_score', 'NUMERIC(4,3)'),
  col('confidence_decile', 'INT64'),
  col('recommendation', 'STRING'),
  col('line_value', 'NUMERIC(5,1)'),
  col('has_prop_line', 'BOOL'),
  col('line_source', 'STRING'),
  col('estimated_line_value', 'NUMERIC(4,1)'),
  col('line_bookmaker', 'STRING'),
  col('line_source_api', 'STRING'),
  col('is_actionable', 'BOOL'),
  col('filter_reason', 'STRING'),
  col('model_version', 'STRING'),
  col('feature_version', 'STRING'),
  col('feature_count', 'INT64'),
  col('feature_quality_score', 'NUMERIC(5,2)'),
  col('feature_data_source', 'STRING'),
  col('early_season_flag', 'BOOL'),
  col('raw_confidence_score', 'NUMERIC(4,3)'),
  col('calibration_method', 'STRING'),
  col('team_abbr', 'STRING'),
  col('opponent_team_abbr', 'STRING'),
  col('actual_points', 'INT64'),
  col('minutes_played', 'NUMERIC(5,1)'),
  // predicted (one decimal) minus actual (whole points) or line (one decimal): one decimal.
  ...cols('NUMERIC(5,1)', ['absolute_error', 'signed_error', 'predicted_margin', 'actual_margin']),
  ...cols('BOOL', ['within_3_points', 'within_5_points', 'prediction_correct']),
  col('is_voided', 'BOOL'),
  col('void_reason', 'STRING'),
  col('pre_game_injury_flag', 'BOOL'),
  col('pre_game_injury_status', 'STRING'),
  col('injury_confirmed_postgame', 'BOOL'),
]

export default defineMigration({
  description: 'legacy tables: ml_feature_store_v2, player_prop_predictions, prediction_accuracy (before the tracking change)',
  async up({ createTable, setDefault, dialect }) {
    const now = dialect.fn.currentTimestamp()
    await createTable(FEATURE_STORE, FEATURE_STORE_COLUMNS, {
      partitionBy: 'game_date', clusterBy: ['player_lookup', 'feature_version', 'game_date'], requirePartitionFilter: true,
    })
    await setDefault(FEATURE_STORE, 'created_at', now)
    // The legacy DDL declared `confidence_score DESC`; clustering has no direction, so it is plain here.
    await createTable(PREDICTIONS, PREDICTION_COLUMNS, {
      partitionBy: 'game_date', clusterBy: ['system_id', 'player_lookup', 'confidence_score', 'game_date'], requirePartitionFilter: true,
    })
    await setDefault(PREDICTIONS, 'prediction_version', 1)
    await setDefault(PREDICTIONS, 'has_prop_line', true)
    await setDefault(PREDICTIONS, 'created_at', now)
    await createTable(ACCURACY, ACCURACY_COLUMNS, {
      partitionBy: 'game_date', clusterBy: ['system_id', 'player_lookup'], requirePartitionFilter: true,
    })
    await setDefault(ACCURACY, 'is_actionable', true)
  },
})

/**
 * Columns contracts of the four persistent tables, exactly as migrations/ leave them (same
 * columns, types and order; test/migrate proves it). Definitions declare these as their
 * `columns`; `migrate verify` compares them with the live tables.
 *
 * `nullable: false` is the writer's rule. It is also NOT NULL in the DDL for columns created
 * with their table (0001, 0003); tracking columns added later (0002) are nullable in the
 * warehouse because rows written before the tracking change have no value, and the engine's
 * write check enforces them for every new row.
 */
import type { ColumnSpec, TableContract, Target } from '../src/index.js'
import { FEATURE_CATALOG } from './feature-catalog.js'

export const PREDICTIONS_DATASET = 'nba_predictions'

export const FEATURE_STORE_TARGET: Target = { dataset: PREDICTIONS_DATASET, name: 'ml_feature_store_v2' }
export const PREDICTIONS_TARGET: Target = { dataset: PREDICTIONS_DATASET, name: 'player_prop_predictions' }
export const ACCURACY_TARGET: Target = { dataset: PREDICTIONS_DATASET, name: 'prediction_accuracy' }
export const EXECUTION_LOG_TARGET: Target = { dataset: PREDICTIONS_DATASET, name: 'prediction_execution_log' }

/** Not null: the writer refuses NULL (and the DDL too, for columns created with their table). */
const NN = false
const col = (name: string, type: string, nullable = true, description?: string): ColumnSpec => ({
  name,
  type,
  ...(nullable ? {} : { nullable: false }),
  ...(description ? { description } : {}),
})
const cols = (type: string, names: readonly string[]): ColumnSpec[] => names.map((name) => col(name, type))

/** One nullable FLOAT64 per V8 model input, in model order (0–32, then has_shot_zone_data). */
export const FEATURE_COLUMNS: readonly ColumnSpec[] = FEATURE_CATALOG.map((f) =>
  col(f.name, 'FLOAT64', true, `V8 #${f.index} ${f.family}: ${f.meaning}`),
)

const LINEAGE_COLUMNS = ['daily_cache', 'composite', 'shot_zones', 'team_defense'].flatMap((source) => [
  col(`source_${source}_last_updated`, 'TIMESTAMP'),
  col(`source_${source}_rows_found`, 'INT64'),
  col(`source_${source}_completeness_pct`, 'NUMERIC(5,2)'),
  col(`source_${source}_hash`, 'STRING'),
])

const COMPLETENESS_COLUMNS = [
  ...cols('INT64', ['expected_games_count', 'actual_games_count', 'missing_games_count']),
  col('completeness_percentage', 'FLOAT64', true, '0–100'),
  col('is_production_ready', 'BOOL'),
]

export const FEATURE_STORE_COLUMNS: readonly ColumnSpec[] = [
  col('player_lookup', 'STRING', NN),
  col('game_date', 'DATE', NN),
  col('game_id', 'STRING', NN),
  col('universal_player_id', 'STRING'),
  ...FEATURE_COLUMNS,
  col('feature_sources', 'ARRAY<STRING>', true, 'source label per feature, in feature order'),
  col('feature_count', 'INT64', NN),
  col('feature_version', 'STRING', NN),
  col('feature_generation_time_ms', 'INT64'),
  col('feature_quality_score', 'NUMERIC(5,2)', true, '0–100'),
  col('quality_tier', 'STRING'),
  col('data_source', 'STRING', NN),
  col('data_quality_issues', 'ARRAY<STRING>'),
  col('processing_decision_reason', 'STRING'),
  col('data_hash', 'STRING'),
  col('opponent_team_abbr', 'STRING'),
  col('is_home', 'BOOL'),
  col('days_rest', 'INT64'),
  ...LINEAGE_COLUMNS,
  col('early_season_flag', 'BOOL'),
  col('insufficient_data_reason', 'STRING'),
  ...COMPLETENESS_COLUMNS,
  col(
    'historical_completeness',
    'STRUCT<games_found INT64, games_expected INT64, is_complete BOOL, is_bootstrap BOOL, contributing_game_dates ARRAY<DATE>>',
  ),
  col('created_at', 'TIMESTAMP', NN),
  // 0002
  col('build_commit_sha', 'STRING', NN, 'git SHA (40 hex) of the writing code'),
  col('feature_source_mode', 'STRING', NN, 'daily | backfill'),
  col('vegas_line_source', 'STRING', NN, "odds_api | bettingpros | both | none ('none' iff vegas_points_line IS NULL)"),
  col('run_id', 'STRING'),
  col('updated_at', 'TIMESTAMP'),
]

export const PREDICTION_COLUMNS: readonly ColumnSpec[] = [
  col('prediction_id', 'STRING', NN),
  col('system_id', 'STRING', NN),
  col('player_lookup', 'STRING', NN),
  col('universal_player_id', 'STRING'),
  col('game_date', 'DATE', NN),
  col('game_id', 'STRING', NN),
  col('prediction_version', 'INT64', NN),
  col('predicted_points', 'NUMERIC(5,1)', NN),
  col('confidence_score', 'NUMERIC(4,3)', NN, '0–1 for every system'),
  col('recommendation', 'STRING', NN, 'OVER | UNDER | PASS | NO_LINE'),
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
  ...COMPLETENESS_COLUMNS,
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
  col('created_at', 'TIMESTAMP', NN),
  col('updated_at', 'TIMESTAMP'),
  // 0002: tracking
  col('build_commit_sha', 'STRING', NN),
  col('deployment_revision', 'STRING', NN),
  col('predicted_at', 'TIMESTAMP', NN),
  col('critical_features', 'JSON', NN, 'the 8 critical inputs as fed to the model'),
  col('execution_id', 'STRING', NN, 'prediction_execution_log.execution_id'),
  col('run_id', 'STRING'),
  // 0002: supersede / status
  col('is_active', 'BOOL', NN, 'exactly one active row per (game_id, player_lookup, system_id)'),
  col('superseded', 'BOOL', NN),
  col('superseded_at', 'TIMESTAMP'),
  col('superseded_reason', 'STRING'),
  col('superseded_by', 'STRING', true, 'prediction_id of the replacement'),
  col('superseded_metadata', 'JSON'),
  // 0004: what the prediction was computed from (supersede compares it; JSON columns cannot be compared)
  col('model_input_hash', 'STRING', NN, 'sha256 of the model inputs as fed, the line and the feature version'),
]

export const ACCURACY_COLUMNS: readonly ColumnSpec[] = [
  col('player_lookup', 'STRING', NN),
  col('game_id', 'STRING', NN),
  col('system_id', 'STRING', NN),
  col('game_date', 'DATE', NN),
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
  ...cols('NUMERIC(5,1)', ['absolute_error', 'signed_error', 'predicted_margin', 'actual_margin']),
  ...cols('BOOL', ['within_3_points', 'within_5_points', 'prediction_correct']),
  col('is_voided', 'BOOL'),
  col('void_reason', 'STRING'),
  col('pre_game_injury_flag', 'BOOL'),
  col('pre_game_injury_status', 'STRING'),
  col('injury_confirmed_postgame', 'BOOL'),
  // 0002
  col('prediction_id', 'STRING', NN, 'the graded prediction; one row per prediction'),
  col('build_commit_sha', 'STRING', NN, "the prediction's, copied"),
  col('critical_features', 'JSON', NN, "the prediction's, copied"),
  col('is_superseded_prediction', 'BOOL', NN, 'mirrors player_prop_predictions.superseded'),
  col('grading_commit_sha', 'STRING', NN),
  col('graded_at', 'TIMESTAMP', NN),
  col('run_id', 'STRING'),
]

export const EXECUTION_LOG_COLUMNS: readonly ColumnSpec[] = [
  col('execution_id', 'STRING', NN),
  col('batch_id', 'STRING'),
  col('orchestration_run_id', 'STRING', true, '= engine run_id'),
  col('build_commit_sha', 'STRING', NN),
  col('deployment_revision', 'STRING'),
  col('execution_start_timestamp', 'TIMESTAMP', NN),
  col('execution_end_timestamp', 'TIMESTAMP'),
  col('duration_seconds', 'FLOAT64'),
  col('game_date', 'DATE', NN),
  col('system_id', 'STRING', NN),
  ...cols('INT64', ['players_requested', 'players_predicted']),
  col('feature_source_mode', 'STRING'),
  col('feature_store_snapshot_time', 'TIMESTAMP'),
  col('status', 'STRING', NN, 'started | completed | failed | partial | interrupted (its run was killed mid-batch)'),
  col('error_message', 'STRING'),
  col('error_count', 'INT64'),
  col('avg_feature_quality_score', 'FLOAT64', true, '0–100'),
  ...cols('FLOAT64', ['share_with_vegas_line', 'share_with_ppm', 'share_with_shot_zones']),
  col('run_id', 'STRING'),
]

/** Tables whose schema migrations own; `migrate verify` checks each against the warehouse. */
export const PERSISTENT_TABLES: readonly TableContract[] = [
  {
    target: FEATURE_STORE_TARGET,
    columns: FEATURE_STORE_COLUMNS,
    partitionBy: 'game_date',
    clusterBy: ['player_lookup', 'feature_version', 'game_date'],
    requirePartitionFilter: true,
  },
  {
    target: PREDICTIONS_TARGET,
    columns: PREDICTION_COLUMNS,
    partitionBy: 'game_date',
    clusterBy: ['system_id', 'player_lookup', 'confidence_score', 'game_date'],
    requirePartitionFilter: true,
  },
  {
    target: ACCURACY_TARGET,
    columns: ACCURACY_COLUMNS,
    partitionBy: 'game_date',
    clusterBy: ['system_id', 'player_lookup'],
    requirePartitionFilter: true,
  },
  {
    target: EXECUTION_LOG_TARGET,
    columns: EXECUTION_LOG_COLUMNS,
    partitionBy: 'execution_start_timestamp',
    clusterBy: ['system_id', 'game_date'],
    requirePartitionFilter: true,
  },
]

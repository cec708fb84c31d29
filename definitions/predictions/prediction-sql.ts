/**
 * The catboost_v8 prediction query (DOMAIN §4.2, §5.1, §5.2): one row per feature-store row of
 * the interval, the model evaluated in SQL on the vector, the shared line selection, confidence,
 * edge and recommendation. Tracking columns (build_commit_sha, deployment_revision,
 * predicted_at, run_id) and the supersede columns are appended by the engine, never here.
 *
 * Rows the quality gate (§5.2.8) keeps from the model — feature_quality_score < 50 or NULL, or a
 * required base feature NULL (early-season rows, a player's first games) — are still written, so
 * the table mirrors the store (A-14c) and the execution log can count them, but carry no model
 * prediction: line_source 'NEEDS_BOOTSTRAP' (never graded), recommendation PASS (NO_LINE without
 * a prop), confidence 0.50, prediction_error_code 'FEATURE_PREPARATION_FAILED', filter_reason
 * 'quality_gate', warning FALLBACK_USED, and predicted_points = the §5.2.5 fallback.
 */
import { raw, sql } from '../../src/index.js'
import type { ActionContext, SqlFragment } from '../../src/index.js'
import { V8_FEATURE_COUNT } from '../../includes/feature-catalog.js'
import {
  CONFIDENCE,
  CONFIDENCE_TIER_FILTER,
  FALLBACK_DEFAULT_POINTS,
  FALLBACK_WEIGHTS,
  INJURY_STATUSES,
  LINE_SOURCE,
  PREDICTION_RANGE,
  QUALITY_GATE,
  QUALITY_GATE_REASON,
  RECOMMENDATION_EDGE,
  REQUIRED_BASE_FEATURES,
  SYSTEM_ID,
} from '../../includes/predictions/rules.js'
import { CATBOOST_V8, MODEL_VERSION, modelExpression, modelInputs } from './model.js'
import {
  criticalFeaturesJson,
  featuresSnapshotJson,
  fingerprint,
  input,
  vectorSelect,
  vectorValues,
} from './model-vector.js'
import type { ServingOverride } from './model-vector.js'
import { roundForHash } from '../../includes/sql-helpers.js'

/** Refs and options of the prediction query; the relations are rendered by the definition. */
export interface PredictionSources {
  readonly featureStore: SqlFragment
  readonly injuryReport: SqlFragment
  readonly executionLog: SqlFragment
  /**
   * The shared line selection's current line (includes/lines.ts, currentLineCtes) for the interval:
   * WITH entries ending in `current_lines`, one row per (player_lookup, game_date) with a line.
   */
  readonly lineCtes: SqlFragment
  readonly override?: ServingOverride
}

const list = (values: readonly string[]) => raw(values.map((v) => `'${v}'`).join(', '))

/** (75 + q + s) on 0–100: q by quality, s by volatility, first matching band (§5.2.2). */
function confidencePoints(quality: string, std: string): SqlFragment {
  const q = CONFIDENCE.quality.map((band) => `WHEN ${quality} >= ${band.min} THEN ${band.points}`).join(' ')
  const s = CONFIDENCE.volatility.map((band) => `WHEN ${std} < ${band.below} THEN ${band.points}`).join(' ')
  return raw(
    `(${CONFIDENCE.base} + (CASE ${q} ELSE ${CONFIDENCE.qualityElse} END) + (CASE ${s} ELSE ${CONFIDENCE.volatilityElse} END))`,
  )
}

/** §5.2.5 fallback: 0.4·L5 + 0.35·L10 + 0.25·season over the present terms; 10.0 when none is. */
function fallbackPoints(v: string): SqlFragment {
  const present = (name: string) =>
    sql`CASE WHEN ${input(v, name)} IS NULL THEN 0 ELSE ${raw(String(FALLBACK_WEIGHTS.find(([n]) => n === name)?.[1] ?? 0))} END`
  const weighted = FALLBACK_WEIGHTS.map(([name, w]) => sql`COALESCE(${raw(String(w))} * ${input(v, name)}, 0)`)
  const weights = FALLBACK_WEIGHTS.map(([name]) => present(name))
  const sum = (parts: SqlFragment[]) => parts.reduce((a, b) => sql`${a} + ${b}`)
  return sql`CASE WHEN ${sum(weights)} > 0 THEN (${sum(weighted)}) / (${sum(weights)}) ELSE ${raw(`${FALLBACK_DEFAULT_POINTS}.0`)} END`
}

/** An array of the non-NULL strings among the candidates (ENGINE GAP: no array filter in ctx.fn). */
function stringsPresent(ctx: ActionContext, candidates: readonly SqlFragment[]): SqlFragment {
  return ctx.engine === 'bigquery'
    ? sql`ARRAY(SELECT w FROM UNNEST([${candidates}]) AS w WHERE w IS NOT NULL)`
    : sql`list_filter([${candidates}], lambda w: w IS NOT NULL)`
}

function inInterval(ctx: ActionContext, column: string): SqlFragment {
  return sql`${raw(column)} >= ${ctx.interval.start} AND ${raw(column)} < ${ctx.interval.end}`
}

/** Store rows, line, injury report and execution id, with the model vector (`v`). */
function inputs(ctx: ActionContext, src: PredictionSources): SqlFragment {
  return sql`
  ${src.lineCtes},
  fs AS (SELECT * FROM ${src.featureStore} WHERE ${inInterval(ctx, 'game_date')}),
  line AS (
    SELECT player_lookup, game_date, points_line, sportsbook AS bookmaker, line_source_api, line_minutes_before_game AS minutes_before_tipoff
    FROM current_lines
  ),
  injury AS (
    SELECT player_lookup, game_date, injury_status, reason, report_timestamp FROM (
      SELECT player_lookup, game_date, injury_status, reason, report_timestamp,
        ROW_NUMBER() OVER (PARTITION BY player_lookup, game_date ORDER BY report_timestamp DESC) AS report_rank
      FROM ${src.injuryReport} WHERE ${inInterval(ctx, 'game_date')}
    ) AS r WHERE report_rank = 1
  ),
  execution AS (
    SELECT game_date, execution_id FROM ${src.executionLog}
    WHERE execution_start_timestamp = ${ctx.run.startedAt} AND orchestration_run_id = ${ctx.run.id} AND system_id = ${SYSTEM_ID}
      AND ${inInterval(ctx, 'game_date')}
  ),
  v AS (
    SELECT fs.player_lookup, fs.universal_player_id, fs.game_date, fs.game_id, fs.feature_version, fs.feature_count,
      fs.feature_quality_score, fs.data_source, fs.early_season_flag, fs.expected_games_count, fs.actual_games_count,
      fs.missing_games_count, fs.completeness_percentage, fs.is_production_ready, fs.data_quality_issues,
      ${ctx.fn.cast(sql`line.points_line`, 'NUMERIC(4,1)')} AS prop_line, line.bookmaker AS prop_bookmaker,
      line.line_source_api AS prop_api, line.minutes_before_tipoff AS prop_minutes_before,
      CASE WHEN injury.injury_status IN (${list(INJURY_STATUSES)}) THEN injury.injury_status END AS injury_status,
      CASE WHEN injury.injury_status IN (${list(INJURY_STATUSES)}) THEN injury.reason END AS injury_reason,
      injury.report_timestamp AS injury_checked_at, execution.execution_id,
      ${vectorSelect(ctx, 'fs', src.override)}
    FROM fs
    LEFT JOIN line ON line.player_lookup = fs.player_lookup AND line.game_date = fs.game_date
    LEFT JOIN injury ON injury.player_lookup = fs.player_lookup AND injury.game_date = fs.game_date
    LEFT JOIN execution ON execution.game_date = fs.game_date
  )`
}

/** The model output, the gate and the fallback, then confidence and the rounded prediction. */
function scoring(ctx: ActionContext): SqlFragment {
  const required = REQUIRED_BASE_FEATURES.map((name) => sql`${input('v', name)} IS NULL`).reduce(
    (a, b) => sql`${a} OR ${b}`,
  )
  const q = sql`s.feature_quality_score`
  return sql`
  v_model AS (
    SELECT v.*, ${modelInputs(ctx, 'v')} FROM v
  ),
  scored AS (
    SELECT v.*, ${modelExpression(ctx, 'v', CATBOOST_V8, 'prepared')} AS raw_prediction,
      (v.feature_quality_score IS NULL OR v.feature_quality_score < ${raw(String(QUALITY_GATE.minScore))}
        OR COALESCE(v.early_season_flag, FALSE) OR ${required}) AS is_gated,
      ${fallbackPoints('v')} AS fallback_points
    FROM v_model AS v
  ),
  s AS (
    SELECT scored.*,
      ${ctx.fn.cast(
        sql`ROUND(CASE WHEN is_gated THEN ${ctx.fn.clamp(sql`fallback_points`, PREDICTION_RANGE.min, PREDICTION_RANGE.max)}
        ELSE ${ctx.fn.clamp(sql`raw_prediction`, PREDICTION_RANGE.min, PREDICTION_RANGE.max)} END, 1)`,
        'NUMERIC(5,1)',
      )} AS points,
      ${ctx.fn.cast(
        sql`CASE WHEN is_gated THEN ${raw(String(CONFIDENCE.fallback))}
        ELSE ${confidencePoints('scored.feature_quality_score', 'scored.mv_points_std_last_10')} END / 100.0`,
        'NUMERIC(4,3)',
      )} AS confidence
    FROM scored
  ),
  r AS (
    SELECT s.*, s.points - s.prop_line AS edge,
      CASE
        WHEN s.prop_line IS NULL THEN 'NO_LINE'
        WHEN s.is_gated OR s.confidence < 0.6 THEN 'PASS'
        WHEN s.points - s.prop_line >= ${raw(RECOMMENDATION_EDGE.toFixed(1))} THEN 'OVER'
        WHEN s.points - s.prop_line <= ${raw((-RECOMMENDATION_EDGE).toFixed(1))} THEN 'UNDER'
        ELSE 'PASS'
      END AS recommendation,
      ${q} < ${raw(String(QUALITY_GATE.highScore))} OR ${q} IS NULL AS is_low_quality
    FROM s
  )`
}

/** Output columns: the contract minus what the engine appends. */
function output(ctx: ActionContext): SqlFragment {
  const cast = (value: SqlFragment | string, type: string) =>
    ctx.fn.cast(typeof value === 'string' ? raw(value) : value, type)
  const nul = (type: string) => cast('NULL', type)
  const tier = `r.confidence >= ${CONFIDENCE_TIER_FILTER.min} AND r.confidence < ${CONFIDENCE_TIER_FILTER.max}`
  const warnings = stringsPresent(ctx, [
    sql`CASE WHEN COALESCE(r.early_season_flag, FALSE) THEN 'EARLY_SEASON' END`,
    sql`CASE WHEN r.is_low_quality THEN 'LOW_QUALITY_SCORE' END`,
    sql`CASE WHEN r.mv_points_std_last_10 >= ${raw(String(CONFIDENCE.volatility.at(-1)?.below))} THEN 'HIGH_VARIANCE' END`,
    sql`CASE WHEN r.is_gated THEN 'FALLBACK_USED' END`,
  ])
  return sql`
SELECT
  ${SYSTEM_ID} AS system_id, r.player_lookup, r.universal_player_id, r.game_date, r.game_id,
  ${cast('1', 'INT64')} AS prediction_version, r.points AS predicted_points, r.confidence AS confidence_score, r.recommendation,
  r.prop_line IS NOT NULL AS has_prop_line, r.prop_line AS current_points_line,
  ${cast(sql`CASE WHEN r.is_gated THEN NULL ELSE r.edge END`, 'NUMERIC(5,2)')} AS line_margin,
  CASE WHEN r.is_gated THEN ${LINE_SOURCE.bootstrap} WHEN r.prop_line IS NULL THEN ${LINE_SOURCE.none} ELSE ${LINE_SOURCE.actual} END AS line_source,
  ${nul('NUMERIC(4,1)')} AS estimated_line_value, ${nul('STRING')} AS estimation_method,
  r.prop_api AS line_source_api, r.prop_bookmaker AS sportsbook,
  CASE WHEN r.prop_line IS NULL THEN NULL ELSE r.prop_bookmaker <> 'DRAFTKINGS' END AS was_line_fallback,
  ${cast('r.prop_minutes_before', 'INT64')} AS line_minutes_before_game,
  r.injury_status AS injury_status_at_prediction, r.injury_status IS NOT NULL AS injury_flag_at_prediction,
  r.injury_reason AS injury_reason_at_prediction, ${cast('r.injury_checked_at', 'TIMESTAMP')} AS injury_checked_at,
  ${nul('STRING')} AS invalidation_reason, ${nul('TIMESTAMP')} AS invalidated_at,
  r.recommendation IN ('OVER', 'UNDER') AND NOT (${raw(tier)}) AS is_actionable,
  CASE WHEN r.is_gated THEN ${QUALITY_GATE_REASON} WHEN ${raw(tier)} THEN ${CONFIDENCE_TIER_FILTER.reason} END AS filter_reason,
  r.feature_version, r.feature_count, r.feature_quality_score, r.data_source AS feature_data_source, r.early_season_flag,
  r.expected_games_count, r.actual_games_count, r.missing_games_count, r.completeness_percentage, r.is_production_ready, r.data_quality_issues,
  ${featuresSnapshotJson(ctx, 'r')} AS features_snapshot,
  CASE WHEN r.is_gated THEN 'FEATURE_PREPARATION_FAILED' END AS prediction_error_code,
  ${warnings} AS prediction_warnings,
  r.confidence AS raw_confidence_score, ${nul('NUMERIC(4,3)')} AS calibrated_confidence_score, 'none' AS calibration_method,
  ${MODEL_VERSION} AS model_version,
  ${ctx.fn.jsonObject([
    ['model_type', sql`'catboost'`],
    ['feature_count', raw(String(V8_FEATURE_COUNT))],
  ])} AS feature_importance,
  ${nul('JSON')} AS key_factors, ${nul('JSON')} AS warnings,
  ${nul('FLOAT64')} AS teammate_opportunity_score, ${nul('STRING')} AS teammate_out_starters, ${nul('FLOAT64')} AS teammate_usage_boost,
  ${nul('NUMERIC(5,2)')} AS prediction_variance, ${nul('NUMERIC(5,2)')} AS system_agreement_score, ${nul('INT64')} AS contributing_systems,
  ${nul('STRING')} AS prediction_run_mode,
  ${ctx.fn.currentTimestamp()} AS created_at, ${nul('TIMESTAMP')} AS updated_at,
  ${criticalFeaturesJson(ctx, 'r', raw('r.feature_quality_score'))} AS critical_features,
  r.execution_id, ${nul('JSON')} AS superseded_metadata,
  ${fingerprint(ctx, [
    // Numbers rounded: equal inputs must hash equal whatever the order of a parallel aggregation.
    ...vectorValues('r').map((v) => roundForHash(ctx, v)),
    roundForHash(ctx, raw('r.prop_line')),
    raw('r.prop_bookmaker'),
    raw('r.prop_api'),
    raw('r.prop_minutes_before'),
    raw('r.feature_version'),
    raw('r.feature_count'),
    roundForHash(ctx, raw('r.feature_quality_score')),
    raw('r.early_season_flag'),
    raw('r.data_source'),
    raw('r.injury_status'),
    raw('r.injury_reason'),
    raw('r.game_id'),
    raw('r.universal_player_id'),
  ])} AS model_input_hash
FROM r`
}

/** The whole query for one interval. */
export function predictionQuery(ctx: ActionContext, sources: PredictionSources): SqlFragment {
  return sql`WITH ${inputs(ctx, sources)},${scoring(ctx)}${output(ctx)}`
}

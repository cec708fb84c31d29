/**
 * Grading (DOMAIN §4.3, §5.3): one row per gradable prediction of the interval that has an actual
 * row in player_game_summary, keyed by prediction_id and upserted (merge), so a regrade updates
 * in place and the graded rows of superseded predictions stay, flagged is_superseded_prediction.
 * grading_commit_sha, graded_at and run_id are appended by the engine.
 *
 * - Gradable: a real line (not NULL, not the 20.0 placeholder) from ACTUAL_PROP / ODDS_API /
 *   BETTINGPROS, not invalidated, and active or superseded (regenerated predictions are graded
 *   too, for before/after comparisons by build_commit_sha).
 * - Actual: the summary row of the same player and game; none yet → no graded row.
 * - Void: is_dnp, or points NULL with minutes NULL/0 → is_voided, actual_points NULL, void_reason
 *   from the injury status known at prediction, else the post-game report.
 * - prediction_correct: NULL for PASS / HOLD / NO_LINE / NULL recommendations, no line, push
 *   (actual = line), void or no actual; else (actual > line) = (recommendation = 'OVER').
 */
import { raw, sql } from '../../src/index.js'
import type { ActionContext, SqlFragment } from '../../src/index.js'
import { GRADABLE_LINE_SOURCES, PLACEHOLDER_LINE, VOID_REASONS } from './rules.js'

export interface GradingSources {
  readonly predictions: SqlFragment
  readonly playerGameSummary: SqlFragment
  readonly injuryReport: SqlFragment
}

function inInterval(ctx: ActionContext, column: string): SqlFragment {
  return sql`${raw(column)} >= ${ctx.interval.start} AND ${raw(column)} < ${ctx.interval.end}`
}

/** §5.3 gradable: a real, non-placeholder line from a gradable source, not invalidated, active or superseded. */
export function gradable(alias: string): SqlFragment {
  const a = (column: string) => `${alias}.${column}`
  return raw(`${a('current_points_line')} IS NOT NULL AND ${a('current_points_line')} <> ${PLACEHOLDER_LINE.toFixed(1)}
      AND ${a('line_source')} IN (${GRADABLE_LINE_SOURCES.map((s) => `'${s}'`).join(', ')}) AND ${a('invalidation_reason')} IS NULL
      AND (${a('is_active')} = TRUE OR ${a('superseded')} = TRUE)`)
}

export function gradingQuery(ctx: ActionContext, src: GradingSources): SqlFragment {
  const num = (expression: string, type = 'NUMERIC(5,1)') => ctx.fn.cast(raw(expression), type)
  return sql`WITH
  p AS (
    SELECT * FROM ${src.predictions} AS pr WHERE ${inInterval(ctx, 'pr.game_date')} AND ${gradable('pr')}
  ),
  actual AS (
    SELECT player_lookup, game_id, game_date, team_abbr, opponent_team_abbr, points, minutes_played,
      (COALESCE(is_dnp, FALSE) OR (points IS NULL AND (minutes_played IS NULL OR minutes_played = 0))) AS is_void
    FROM ${src.playerGameSummary} WHERE ${inInterval(ctx, 'game_date')}
  ),
  postgame AS (
    SELECT player_lookup, game_date, injury_status FROM (
      SELECT player_lookup, game_date, injury_status,
        ROW_NUMBER() OVER (PARTITION BY player_lookup, game_date ORDER BY report_timestamp DESC) AS report_rank
      FROM ${src.injuryReport} WHERE ${inInterval(ctx, 'game_date')}
    ) AS r WHERE report_rank = 1
  ),
  g AS (
    SELECT p.*, a.team_abbr, a.opponent_team_abbr, a.is_void, a.minutes_played AS actual_minutes,
      CASE WHEN a.is_void THEN NULL ELSE a.points END AS actual, i.injury_status AS postgame_status,
      ${ctx.fn.cast(sql`p.current_points_line`, 'NUMERIC(5,1)')} AS line
    FROM p
    JOIN actual AS a ON a.player_lookup = p.player_lookup AND a.game_id = p.game_id AND a.game_date = p.game_date
    LEFT JOIN postgame AS i ON i.player_lookup = p.player_lookup AND i.game_date = p.game_date
  )
SELECT
  g.prediction_id, g.player_lookup, g.game_id, g.system_id, g.game_date,
  g.predicted_points, g.confidence_score,
  ${ctx.fn.cast(sql`LEAST(10, FLOOR(g.confidence_score * 10) + 1)`, 'INT64')} AS confidence_decile,
  g.recommendation, g.line AS line_value, COALESCE(g.has_prop_line, TRUE) AS has_prop_line, g.line_source, g.estimated_line_value,
  g.sportsbook AS line_bookmaker, g.line_source_api, COALESCE(g.is_actionable, TRUE) AS is_actionable, g.filter_reason,
  g.model_version, g.feature_version, g.feature_count, g.feature_quality_score, g.feature_data_source, g.early_season_flag,
  g.raw_confidence_score, g.calibration_method,
  g.team_abbr, g.opponent_team_abbr, ${ctx.fn.cast(sql`g.actual`, 'INT64')} AS actual_points,
  ${num('CASE WHEN g.is_void THEN NULL ELSE g.actual_minutes END')} AS minutes_played,
  ${num('ABS(g.predicted_points - g.actual)')} AS absolute_error,
  ${num('g.predicted_points - g.actual')} AS signed_error,
  ${num('g.predicted_points - g.line')} AS predicted_margin,
  ${num('g.actual - g.line')} AS actual_margin,
  ABS(g.predicted_points - g.actual) <= 3 AS within_3_points,
  ABS(g.predicted_points - g.actual) <= 5 AS within_5_points,
  CASE
    WHEN g.recommendation IS NULL OR g.recommendation NOT IN ('OVER', 'UNDER') THEN NULL
    WHEN g.line IS NULL OR g.actual IS NULL OR g.is_void OR g.actual = g.line THEN NULL
    ELSE (g.actual > g.line) = (g.recommendation = 'OVER')
  END AS prediction_correct,
  g.is_void AS is_voided,
  CASE WHEN NOT g.is_void THEN NULL
    WHEN COALESCE(g.injury_status_at_prediction, g.postgame_status) IN ('OUT', 'DOUBTFUL') THEN ${VOID_REASONS.injury}
    WHEN COALESCE(g.injury_status_at_prediction, g.postgame_status) IN ('QUESTIONABLE', 'PROBABLE') THEN ${VOID_REASONS.lateScratch}
    ELSE ${VOID_REASONS.unknown} END AS void_reason,
  COALESCE(g.injury_flag_at_prediction, FALSE) AS pre_game_injury_flag, g.injury_status_at_prediction AS pre_game_injury_status,
  g.is_void AND COALESCE(g.postgame_status IN ('OUT', 'DOUBTFUL'), FALSE) AS injury_confirmed_postgame,
  g.build_commit_sha, g.critical_features, COALESCE(g.superseded, FALSE) AS is_superseded_prediction
FROM g`
}

/**
 * The dates of the interval with a gradable prediction whose actual row has arrived but which has no
 * graded row yet (`graded`: the grading table itself): a box score that came in after its date was
 * graded (the game was not final yet). Grading reopens these dates (interval.reopen), so the late game
 * is graded on the next run; the rows already graded are regraded in place, none is deleted.
 */
export function ungradedDatesQuery(
  ctx: ActionContext,
  src: Pick<GradingSources, 'predictions' | 'playerGameSummary'> & { graded: SqlFragment },
): SqlFragment {
  return sql`SELECT DISTINCT p.game_date
FROM ${src.predictions} AS p
JOIN ${src.playerGameSummary} AS a
  ON a.player_lookup = p.player_lookup AND a.game_id = p.game_id AND a.game_date = p.game_date
WHERE ${inInterval(ctx, 'p.game_date')} AND ${inInterval(ctx, 'a.game_date')} AND ${gradable('p')}
  AND NOT EXISTS (
    SELECT 1 FROM ${src.graded} AS g WHERE g.prediction_id = p.prediction_id AND ${inInterval(ctx, 'g.game_date')}
  )`
}

/**
 * Team history as of each target date D, from team_offense_game_summary (and the box scores for
 * the shots a team allowed), over the team's games with game_date < D, strictly:
 * - pace and offensive rating over the last 10 games (team_pace, team_off_rating, pace_score);
 * - defensive rating (the opponent's offensive rating in the game) and pace over the last 15
 *   (opponent_def_rating, opponent_pace);
 * - the share of opponents' field-goal attempts in each zone over the last 15, in percent,
 *   from the games with play-by-play (zone defense);
 * - season-to-date wins and games (team_win_pct).
 */
import { raw, sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'
import { beforeIntervalEnd, exactAvg, seasonYearOf } from './sql-helpers.js'

export const ZONES = ['paint', 'mid_range', 'three_pt'] as const
export type Zone = (typeof ZONES)[number]

/** Field-goal attempts by zone that each team's players took per game (NULL without play-by-play). */
function attemptsByTeamGameSql(ctx: ActionContext): SqlFragment {
  return sql`SELECT game_id, team_abbr, SUM(fg_attempts) AS fg_attempts, SUM(paint_attempts) AS paint_attempts,
      SUM(mid_range_attempts) AS mid_range_attempts, SUM(three_pt_attempts) AS three_pt_attempts
    FROM ${ctx.ref('player_game_summary')}
    WHERE points IS NOT NULL AND fg_attempts IS NOT NULL AND ${beforeIntervalEnd(ctx, 'game_date')}
    GROUP BY game_id, team_abbr`
}

function teamGamesSql(ctx: ActionContext): SqlFragment {
  const offense = ctx.ref('team_offense_game_summary')
  return sql`SELECT t.team_abbr, t.game_date, ${seasonYearOf(sql`t.game_date`)} AS season_year, t.win_flag, t.pace, t.offensive_rating,
      o.offensive_rating AS defensive_rating,
      z.fg_attempts AS allowed_fg_attempts, z.paint_attempts AS allowed_paint_attempts,
      z.mid_range_attempts AS allowed_mid_range_attempts, z.three_pt_attempts AS allowed_three_pt_attempts
    FROM ${offense} t
    LEFT JOIN ${offense} o ON o.game_id = t.game_id AND o.team_abbr = t.opponent_team_abbr AND ${beforeIntervalEnd(ctx, 'o.game_date')}
    LEFT JOIN t_attempts z ON z.game_id = t.game_id AND z.team_abbr = t.opponent_team_abbr
    WHERE ${beforeIntervalEnd(ctx, 't.game_date')}`
}

function allowedZoneShare(ctx: ActionContext, zone: Zone): SqlFragment {
  return sql`100 * ${ctx.fn.safeDivide(
    sql`SUM(CASE WHEN rn <= 15 THEN allowed_${raw(zone)}_attempts END)`,
    sql`SUM(CASE WHEN rn <= 15 THEN allowed_fg_attempts END)`,
  )}`
}

/**
 * `WITH`-list entries ending in `team_history`, one row per key (team_abbr, game_date = D).
 * `keys` names a CTE with team_abbr and game_date (duplicates allowed).
 */
export function teamHistoryCtes(ctx: ActionContext, keys: string): SqlFragment {
  return sql`t_attempts AS (
    ${attemptsByTeamGameSql(ctx)}
  ),
  t_games AS (
    ${teamGamesSql(ctx)}
  ),
  t_keys AS (
    SELECT DISTINCT team_abbr, game_date, ${seasonYearOf(sql`game_date`)} AS season_year FROM ${raw(keys)}
  ),
  t_ranked AS (
    SELECT k.team_abbr, k.game_date AS target_date, k.season_year AS target_season, g.game_date, g.season_year, g.win_flag,
      g.pace, g.offensive_rating, g.defensive_rating, g.allowed_fg_attempts, g.allowed_paint_attempts,
      g.allowed_mid_range_attempts, g.allowed_three_pt_attempts,
      ROW_NUMBER() OVER (PARTITION BY k.team_abbr, k.game_date ORDER BY g.game_date DESC) AS rn
    FROM t_keys k
    JOIN t_games g ON g.team_abbr = k.team_abbr AND g.game_date < k.game_date
  ),
  team_history AS (
    SELECT team_abbr, target_date AS game_date,
      ${exactAvg(ctx, sql`CASE WHEN rn <= 10 THEN pace END`)} AS pace_last_10,
      ${exactAvg(ctx, sql`CASE WHEN rn <= 10 THEN offensive_rating END`)} AS off_rating_last_10,
      ${exactAvg(ctx, sql`CASE WHEN rn <= 15 THEN defensive_rating END`)} AS def_rating_last_15,
      ${exactAvg(ctx, sql`CASE WHEN rn <= 15 THEN pace END`)} AS pace_last_15,
      ${ctx.fn.countIf(sql`rn <= 15`)} AS games_last_15,
      ${ctx.fn.countIf(sql`rn <= 15 AND allowed_fg_attempts IS NOT NULL`)} AS zone_games_last_15,
      ${allowedZoneShare(ctx, 'paint')} AS paint_pct_allowed_last_15,
      ${allowedZoneShare(ctx, 'mid_range')} AS mid_range_pct_allowed_last_15,
      ${allowedZoneShare(ctx, 'three_pt')} AS three_pt_pct_allowed_last_15,
      ${ctx.fn.countIf(sql`season_year = target_season`)} AS season_games,
      ${ctx.fn.countIf(sql`season_year = target_season AND win_flag`)} AS season_wins
    FROM t_ranked
    GROUP BY team_abbr, target_date
  )`
}

/** team_win_pct (#24): wins / games this season before D, from `team_history` aliased `prefix`; needs 5 games. */
export function teamWinPctSql(ctx: ActionContext, prefix: string): SqlFragment {
  const p = raw(prefix)
  return sql`CASE WHEN ${p}season_games >= 5 THEN ${ctx.fn.safeDivide(ctx.fn.cast(sql`${p}season_wins`, 'FLOAT64'), sql`${p}season_games`)} END`
}

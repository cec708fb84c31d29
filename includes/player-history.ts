/**
 * Player history as of each target date D: every aggregate of DOMAIN §3.1 over the player's
 * played games (points NOT NULL: a DNP is not a 0-point game) with game_date < D, strictly.
 *
 * Shape: each key row (player, D) is joined to all the player's earlier played games, which are
 * ranked newest first (rn = 1 is the most recent game before D). "The N most recent games" is
 * then rn ≤ N and date windows are bounds on D, so every formula reads as written in the catalog.
 * The same builder feeds player_daily_cache, player_shot_zone_analysis, player_composite_factors
 * and the feature store, so the four can never disagree on a window.
 */
import { raw, sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'
import { beforeIntervalEnd, seasonYearOf, yearsBefore } from './sql-helpers.js'

/** Played games before the interval end, with the player's previous played game date (back-to-backs). */
function playedGamesSql(ctx: ActionContext): SqlFragment {
  return sql`SELECT player_lookup, game_date, opponent_team_abbr, ${seasonYearOf(sql`game_date`)} AS season_year,
      ${ctx.fn.cast(sql`points`, 'FLOAT64')} AS points, ${ctx.fn.cast(sql`minutes_played`, 'FLOAT64')} AS minutes,
      ft_makes, fg_attempts, paint_attempts, mid_range_attempts, three_pt_attempts,
      LAG(game_date) OVER (PARTITION BY player_lookup ORDER BY game_date) AS previous_game_date
    FROM ${ctx.ref('player_game_summary')}
    WHERE points IS NOT NULL AND ${beforeIntervalEnd(ctx, 'game_date')}`
}

/** Σ over the last 10 games that have play-by-play (fg_attempts NOT NULL). */
function zoneSum(ctx: ActionContext, column: string): SqlFragment {
  return sql`SUM(CASE WHEN rn <= 10 AND fg_attempts IS NOT NULL THEN ${raw(column)} END)`
}

/**
 * Zone share of FGA in percent (0–100) over the last 10 played games, from the games that have
 * play-by-play; NULL when fewer than half of those games have it (the source is missing).
 */
export function zoneRateSql(ctx: ActionContext, prefix: string, zone: 'paint' | 'mid_range' | 'three_pt'): SqlFragment {
  const p = raw(prefix)
  return sql`CASE WHEN ${p}zone_games_last_10 >= 1 AND 2 * ${p}zone_games_last_10 >= ${p}games_last_10
    THEN 100 * ${ctx.fn.safeDivide(sql`${p}${raw(zone)}_attempts_last_10`, sql`${p}fg_attempts_last_10`)} END`
}

/**
 * `WITH`-list entries ending in `player_history`, one row per key (player_lookup, game_date = D).
 * `keys` names a CTE with player_lookup, game_date, opponent_team_abbr and season_year (of D).
 */
export function playerHistoryCtes(ctx: ActionContext, keys: string): SqlFragment {
  const d = sql`target_date`
  const since = (days: number) => sql`game_date >= ${ctx.fn.dateAddDays(d, -days)}`
  const vsOpponent = sql`opponent_team_abbr = target_opponent AND game_date >= ${yearsBefore(ctx, d, 3)}`
  const last30 = sql`${since(30)} AND minutes > 0`
  return sql`h_played AS (
    ${playedGamesSql(ctx)}
  ),
  h_ranked AS (
    SELECT k.player_lookup, k.game_date AS target_date, k.opponent_team_abbr AS target_opponent, k.season_year AS target_season,
      g.game_date, g.opponent_team_abbr, g.season_year, g.points, g.minutes, g.ft_makes, g.fg_attempts, g.paint_attempts,
      g.mid_range_attempts, g.three_pt_attempts, g.previous_game_date,
      ROW_NUMBER() OVER (PARTITION BY k.player_lookup, k.game_date ORDER BY g.game_date DESC) AS rn
    FROM ${raw(keys)} k
    JOIN h_played g ON g.player_lookup = k.player_lookup AND g.game_date < k.game_date
  ),
  player_history AS (
    SELECT player_lookup, target_date AS game_date,
      COUNT(*) AS games_before,
      ${ctx.fn.countIf(sql`rn <= 5`)} AS games_last_5,
      ${ctx.fn.countIf(sql`rn <= 10`)} AS games_last_10,
      AVG(CASE WHEN rn <= 5 THEN points END) AS points_avg_5_games,
      AVG(CASE WHEN rn <= 10 THEN points END) AS points_avg_10_games,
      ${ctx.fn.stddevSamp(sql`CASE WHEN rn <= 10 THEN points END`)} AS points_std_10_games,
      AVG(CASE WHEN season_year = target_season THEN points END) AS points_avg_season,
      ${ctx.fn.countIf(sql`season_year = target_season`)} AS games_season,
      AVG(CASE WHEN rn <= 3 THEN points END) AS points_avg_games_1_3,
      AVG(CASE WHEN rn IN (4, 5) THEN points END) AS points_avg_games_4_5,
      AVG(CASE WHEN rn <= 10 THEN minutes END) AS minutes_avg_10_games,
      AVG(CASE WHEN season_year = target_season THEN minutes END) AS minutes_avg_season,
      SUM(CASE WHEN rn <= 10 THEN ft_makes END) AS ft_makes_last_10,
      SUM(CASE WHEN rn <= 10 THEN points END) AS points_sum_last_10,
      ${ctx.fn.countIf(sql`rn <= 10 AND fg_attempts IS NOT NULL`)} AS zone_games_last_10,
      ${zoneSum(ctx, 'fg_attempts')} AS fg_attempts_last_10,
      ${zoneSum(ctx, 'paint_attempts')} AS paint_attempts_last_10,
      ${zoneSum(ctx, 'mid_range_attempts')} AS mid_range_attempts_last_10,
      ${zoneSum(ctx, 'three_pt_attempts')} AS three_pt_attempts_last_10,
      ${ctx.fn.countIf(since(7))} AS games_last_7_days,
      SUM(CASE WHEN ${since(7)} THEN minutes END) AS minutes_last_7_days,
      AVG(CASE WHEN ${since(7)} THEN minutes END) AS minutes_per_game_last_7_days,
      ${ctx.fn.countIf(sql`${since(14)} AND previous_game_date = ${ctx.fn.dateAddDays(sql`game_date`, -1)}`)} AS back_to_backs_last_14_days,
      AVG(CASE WHEN ${last30} THEN minutes END) AS minutes_avg_last_30_days,
      AVG(CASE WHEN ${last30} THEN points / minutes END) AS ppm_avg_last_30_days,
      AVG(CASE WHEN ${vsOpponent} THEN points END) AS points_avg_vs_opponent,
      ${ctx.fn.countIf(vsOpponent)} AS games_vs_opponent,
      ${ctx.fn.arrayAgg(sql`CASE WHEN rn <= 10 THEN game_date END`, sql`game_date`)} AS contributing_game_dates
    FROM h_ranked
    GROUP BY player_lookup, target_date
  )`
}

/**
 * The recent-performance values as the catalog defines them, from `player_history` aliased `prefix`
 * (e.g. 'h.'): last 5 needs 5 games, std needs 2 (STDDEV_SAMP is NULL for one).
 */
export function recentPerformanceSql(prefix: string) {
  const p = raw(prefix)
  return {
    points_avg_last_5: sql`CASE WHEN ${p}games_last_5 = 5 THEN ${p}points_avg_5_games END`,
    points_avg_last_10: sql`${p}points_avg_10_games`,
    points_avg_season: sql`${p}points_avg_season`,
    points_std_last_10: sql`${p}points_std_10_games`,
    minutes_avg_last_10: sql`${p}minutes_avg_10_games`,
  } as const
}

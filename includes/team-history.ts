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

/** Over the last 15 games (t_ranked holds no more). */
function allowedZoneShare(ctx: ActionContext, zone: Zone): SqlFragment {
  return sql`100 * ${ctx.fn.safeDivide(sql`SUM(allowed_${raw(zone)}_attempts)`, sql`SUM(allowed_fg_attempts)`)}`
}

/** Offsets 1..15: "the N-th most recent game before D" as an equality join on the team's game number. */
const RECENT_RANKS = raw(Array.from({ length: 15 }, (_, i) => `SELECT ${i + 1} AS rn`).join(' UNION ALL '))

/**
 * `WITH`-list entries ending in `team_history`, one row per key (team_abbr, game_date = D) with a game
 * before D. `keys` names a CTE with team_abbr and game_date (duplicates allowed).
 *
 * Linear in the history: the keys and the games form one stream per team, and windows ending the day
 * before D count the games before D (the number of the last one) and the season's games and wins; only
 * the 15 games numbered up to it are joined. (Joining every key to all of its team's earlier games grew
 * with keys × history: 344k rows for 4 months of keys.)
 */
export function teamHistoryCtes(ctx: ActionContext, keys: string): SqlFragment {
  // Days from the interval start (negative for history): a numeric key for RANGE frames, as in player-history.ts.
  const dayNumber = ctx.fn.dateDiffDays(sql`game_date`, ctx.interval.start)
  const beforeKey = (partition: string) =>
    raw(`OVER (PARTITION BY ${partition} ORDER BY day_number RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)`)
  const isGame = sql`is_game = 1`
  return sql`t_attempts AS (
    ${attemptsByTeamGameSql(ctx)}
  ),
  t_games AS (
    ${teamGamesSql(ctx)}
  ),
  t_numbered AS (
    SELECT g.*, ROW_NUMBER() OVER (PARTITION BY team_abbr ORDER BY game_date) AS game_number
    FROM t_games g
  ),
  t_keys AS (
    SELECT DISTINCT team_abbr, game_date, ${seasonYearOf(sql`game_date`)} AS season_year FROM ${raw(keys)}
  ),
  t_counts AS (
    SELECT * FROM (
      SELECT team_abbr, game_date AS target_date, is_game,
        ${ctx.fn.countIf(isGame)} ${beforeKey('team_abbr')} AS games_before,
        ${ctx.fn.countIf(isGame)} ${beforeKey('team_abbr, season_year')} AS season_games,
        ${ctx.fn.countIf(sql`${isGame} AND win_flag`)} ${beforeKey('team_abbr, season_year')} AS season_wins
      FROM (
        SELECT team_abbr, game_date, season_year, ${dayNumber} AS day_number, 1 AS is_game, win_flag FROM t_games
        UNION ALL
        SELECT team_abbr, game_date, season_year, ${dayNumber} AS day_number, 0 AS is_game, NULL AS win_flag FROM t_keys
      ) AS t_stream
    ) AS c
    WHERE is_game = 0 AND games_before > 0
  ),
  t_ranked AS (
    SELECT c.team_abbr, c.target_date, c.season_games, c.season_wins, r.rn, g.pace, g.offensive_rating, g.defensive_rating,
      g.allowed_fg_attempts, g.allowed_paint_attempts, g.allowed_mid_range_attempts, g.allowed_three_pt_attempts
    FROM t_counts c
    CROSS JOIN (${RECENT_RANKS}) AS r
    JOIN t_numbered g ON g.team_abbr = c.team_abbr AND g.game_number = c.games_before - r.rn + 1
  ),
  team_history AS (
    SELECT team_abbr, target_date AS game_date,
      ${exactAvg(ctx, sql`CASE WHEN rn <= 10 THEN pace END`)} AS pace_last_10,
      ${exactAvg(ctx, sql`CASE WHEN rn <= 10 THEN offensive_rating END`)} AS off_rating_last_10,
      ${exactAvg(ctx, sql`defensive_rating`)} AS def_rating_last_15,
      ${exactAvg(ctx, sql`pace`)} AS pace_last_15,
      COUNT(*) AS games_last_15,
      ${ctx.fn.countIf(sql`allowed_fg_attempts IS NOT NULL`)} AS zone_games_last_15,
      ${allowedZoneShare(ctx, 'paint')} AS paint_pct_allowed_last_15,
      ${allowedZoneShare(ctx, 'mid_range')} AS mid_range_pct_allowed_last_15,
      ${allowedZoneShare(ctx, 'three_pt')} AS three_pt_pct_allowed_last_15,
      season_games,
      season_wins
    FROM t_ranked
    GROUP BY team_abbr, target_date, season_games, season_wins
  )`
}

/** team_win_pct (#24): wins / games this season before D, from `team_history` aliased `prefix`; needs 5 games. */
export function teamWinPctSql(ctx: ActionContext, prefix: string): SqlFragment {
  const p = raw(prefix)
  return sql`CASE WHEN ${p}season_games >= 5 THEN ${ctx.fn.safeDivide(ctx.fn.cast(sql`${p}season_wins`, 'FLOAT64'), sql`${p}season_games`)} END`
}

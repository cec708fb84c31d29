/**
 * The roster of a target date D and its pre-game context (DOMAIN §4.1 "Roster"):
 * - `daily` runs: every player in upcoming_player_game_context for D (re-run duplicates: newest created_at);
 * - `backfill` runs: every player in player_game_summary for D (DNPs included); a date with no box
 *   scores yet (today, the future) falls back to the daily roster.
 * The branch is on the run-mode parameter, so one compiled statement serves both modes.
 *
 * Produces the CTE `roster`, one row per (player_lookup, game_date), with: game_id,
 * universal_player_id, team_abbr, opponent_team_abbr, season_year (of D), is_home, season_phase,
 * has_context, days_rest, opponent_days_rest, player_status, projected_usage_rate,
 * avg_usage_rate_last_7_games, star_teammates_out, early_season_flag (D in the first 14 days from the
 * first game date of D's season in the schedule; TRUE when the season is unknown). Context values come from the deduplicated
 * context row; without one (backfill of a player the context missed) rest days come from the schedule.
 */
import { sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'
import { BOOTSTRAP_DAYS, beforeIntervalEnd, inInterval, seasonYearOf } from './sql-helpers.js'

/** Newest context row per (player_lookup, game_date) inside the interval: the dedup rule for UPGC re-runs. */
export function latestContextSql(ctx: ActionContext): SqlFragment {
  return sql`SELECT player_lookup, game_date, game_id, universal_player_id, team_abbr, opponent_team_abbr, season_phase,
      days_rest, opponent_days_rest, player_status, projected_usage_rate, avg_usage_rate_last_7_games, star_teammates_out
    FROM ${ctx.ref('upcoming_player_game_context')}
    WHERE ${inInterval(ctx, 'game_date')}
    QUALIFY ROW_NUMBER() OVER (PARTITION BY player_lookup, game_date ORDER BY created_at DESC, game_id DESC) = 1`
}

/** Team-games of the schedule (both sides) before the interval end, with rest days since the team's previous game of the season. */
function teamRestSql(ctx: ActionContext): SqlFragment {
  const schedule = ctx.ref('nba_schedule')
  return sql`SELECT game_id, team_abbr, season_phase,
      ${ctx.fn.dateDiffDays(sql`game_date`, sql`LAG(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date)`)} AS days_rest
    FROM (
      SELECT game_id, game_date, season_year, season_phase, home_team_tricode AS team_abbr FROM ${schedule} WHERE ${beforeIntervalEnd(ctx, 'game_date')}
      UNION ALL
      SELECT game_id, game_date, season_year, season_phase, away_team_tricode AS team_abbr FROM ${schedule} WHERE ${beforeIntervalEnd(ctx, 'game_date')}
    ) AS team_games`
}

/** `WITH`-list entries ending in the `roster` CTE (no leading WITH, no trailing comma). */
export function rosterCtes(ctx: ActionContext): SqlFragment {
  const mode = ctx.run.mode
  return sql`r_context AS (
    ${latestContextSql(ctx)}
  ),
  r_box_scores AS (
    SELECT player_lookup, game_date, game_id, universal_player_id, team_abbr, opponent_team_abbr
    FROM ${ctx.ref('player_game_summary')}
    WHERE ${inInterval(ctx, 'game_date')}
    QUALIFY ROW_NUMBER() OVER (PARTITION BY player_lookup, game_date ORDER BY created_at DESC, game_id DESC) = 1
  ),
  r_keys AS (
    SELECT player_lookup, game_date, game_id, universal_player_id, team_abbr, opponent_team_abbr
    FROM r_context
    WHERE ${mode} = 'daily' OR NOT EXISTS (SELECT 1 FROM r_box_scores b WHERE b.game_date = r_context.game_date)
    UNION ALL
    SELECT player_lookup, game_date, game_id, universal_player_id, team_abbr, opponent_team_abbr
    FROM r_box_scores
    WHERE ${mode} = 'backfill'
  ),
  r_team_rest AS (
    ${teamRestSql(ctx)}
  ),
  r_season_start AS (
    SELECT season_year, MIN(game_date) AS season_start_date
    FROM ${ctx.ref('nba_schedule')}
    WHERE ${beforeIntervalEnd(ctx, 'game_date')}
    GROUP BY season_year
  ),
  roster AS (
    SELECT k.player_lookup, k.game_date, k.game_id, COALESCE(k.universal_player_id, c.universal_player_id) AS universal_player_id,
      k.team_abbr, k.opponent_team_abbr, ${seasonYearOf(sql`k.game_date`)} AS season_year,
      COALESCE(${ctx.fn.splitPart(sql`k.game_id`, '_', 3)} = k.team_abbr, FALSE) AS is_home,
      COALESCE(tr.season_phase, c.season_phase) AS season_phase,
      c.player_lookup IS NOT NULL AS has_context,
      CASE WHEN c.player_lookup IS NOT NULL THEN c.days_rest ELSE tr.days_rest END AS days_rest,
      CASE WHEN c.player_lookup IS NOT NULL THEN c.opponent_days_rest ELSE orr.days_rest END AS opponent_days_rest,
      c.player_status, c.projected_usage_rate, c.avg_usage_rate_last_7_games, c.star_teammates_out,
      COALESCE(k.game_date < ${ctx.fn.dateAddDays(sql`ss.season_start_date`, BOOTSTRAP_DAYS)}, TRUE) AS early_season_flag
    FROM r_keys k
    LEFT JOIN r_context c ON c.player_lookup = k.player_lookup AND c.game_date = k.game_date
    LEFT JOIN r_team_rest tr ON tr.game_id = k.game_id AND tr.team_abbr = k.team_abbr
    LEFT JOIN r_team_rest orr ON orr.game_id = k.game_id AND orr.team_abbr = k.opponent_team_abbr
    LEFT JOIN r_season_start ss ON ss.season_year = ${seasonYearOf(sql`k.game_date`)}
  )`
}

/**
 * Per-source integrity, per date (DOMAIN §2, issue 14 "stop at the root"): each declared source is
 * checked for what it promises — its key, its row count against the schedule, its value ranges — so
 * damage entering a source on date D fails on D, naming the source, instead of on the later dates
 * whose features it poisoned. Each guards its source: a failure skips everything built from it.
 *
 * Thresholds, against the healthy sample (seeds 7, 42, 2026; 2 seasons each):
 * - box scores: 26.7–29 rows per game (both rosters, DNPs included; DOMAIN §8: 25–30), so 20–40 per
 *   game is the band; points 0–64, minutes 0–46, usage_rate 8–41, ft_makes ≤ 21 (ranges leave room
 *   for a 100-point night and five overtimes, not for a unit error).
 * - team box scores: exactly 2 rows per final game; pace 88–110, offensive rating 69–147.
 * - context: 26.7–29 players per scheduled game; days_rest ≥ 1 (0 would be two games in one day,
 *   the value the I-5 bug tested for); NULL is a player's first game.
 * - Odds API: lines 0.5–59.5; a snapshot holds one line per (game, bookmaker, player).
 */
import { assertion, checks, sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'

/** Final games per date, the schedule's promise for the box scores. */
function finalGamesSql(ctx: ActionContext): SqlFragment {
  return sql`SELECT game_date, COUNT(*) AS final_games FROM ${ctx.ref('nba_schedule')}
    WHERE game_status = 'Final' GROUP BY game_date`
}

/** Box scores: one row per player and game, plausible values. */
export const playerGameSummaryKeys = assertion({
  name: 'player_game_summary_integrity',
  description: 'Box scores: one row per (player_lookup, game_id); points, minutes, usage and FT makes in range',
  target: 'player_game_summary',
  partitionColumn: 'game_date',
  checks: [
    checks.uniqueKey({ columns: ['player_lookup', 'game_id'], name: 'one_row_per_player_game' }),
    checks.range({ column: 'points', min: 0, max: 100 }),
    checks.range({ column: 'minutes_played', min: 0, max: 75 }),
    checks.range({ column: 'usage_rate', min: 0, max: 100 }),
    checks.range({ column: 'ft_makes', min: 0, max: 40 }),
  ],
})

/** Box scores against the schedule: every final game has 20–40 rows, and no game is missing or extra. */
export const playerGameSummaryMatchesSchedule = assertion({
  name: 'player_game_summary_matches_schedule',
  description: 'Box scores: per date, the games with rows = the final games of the schedule, 20–40 rows each',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: 'player_game_summary',
  query: (ctx) => sql`SELECT game_date, final_games, games_with_rows, box_score_rows FROM (
  SELECT COALESCE(s.game_date, b.game_date) AS game_date, COALESCE(s.final_games, 0) AS final_games,
    COALESCE(b.games_with_rows, 0) AS games_with_rows, COALESCE(b.box_score_rows, 0) AS box_score_rows
  FROM (${finalGamesSql(ctx)}) AS s
  FULL OUTER JOIN (
    SELECT game_date, COUNT(DISTINCT game_id) AS games_with_rows, COUNT(*) AS box_score_rows
    FROM ${ctx.ref('player_game_summary')} WHERE game_date IS NOT NULL GROUP BY game_date
  ) AS b ON b.game_date = s.game_date
) AS daily
WHERE games_with_rows <> final_games OR box_score_rows < 20 * final_games OR box_score_rows > 40 * final_games`,
})

/** Team box scores: one row per team and game, two per final game, plausible pace and rating. */
export const teamOffenseKeys = assertion({
  name: 'team_offense_game_summary_integrity',
  description: 'Team box scores: one row per (team_abbr, game_id); pace and offensive rating in range',
  target: 'team_offense_game_summary',
  partitionColumn: 'game_date',
  checks: [
    checks.uniqueKey({ columns: ['team_abbr', 'game_id'], name: 'one_row_per_team_game' }),
    checks.range({ column: 'pace', min: 70, max: 130 }),
    checks.range({ column: 'offensive_rating', min: 50, max: 180 }),
  ],
})

export const teamOffenseMatchesSchedule = assertion({
  name: 'team_offense_game_summary_matches_schedule',
  description: 'Team box scores: per date, two rows per final game of the schedule',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: 'team_offense_game_summary',
  query: (ctx) => sql`SELECT game_date, final_games, team_rows FROM (
  SELECT COALESCE(s.game_date, t.game_date) AS game_date, COALESCE(s.final_games, 0) AS final_games, COALESCE(t.team_rows, 0) AS team_rows
  FROM (${finalGamesSql(ctx)}) AS s
  FULL OUTER JOIN (
    SELECT game_date, COUNT(*) AS team_rows FROM ${ctx.ref('team_offense_game_summary')} WHERE game_date IS NOT NULL GROUP BY game_date
  ) AS t ON t.game_date = s.game_date
) AS daily
WHERE team_rows <> 2 * final_games`,
})

/**
 * Context: one row per player, game and run (re-runs leave older duplicates, which readers drop by
 * created_at: benign), days of rest possible. Per date, the context covers every scheduled game with
 * 20–40 players each.
 */
export const contextKeys = assertion({
  name: 'upcoming_player_game_context_integrity',
  description: 'Context: one row per (player_lookup, game_id, created_at); days_rest >= 1; usage 0–100',
  target: 'upcoming_player_game_context',
  partitionColumn: 'game_date',
  checks: [
    checks.uniqueKey({ columns: ['player_lookup', 'game_id', 'created_at'], name: 'one_row_per_player_game_run' }),
    checks.range({ column: 'days_rest', min: 1 }),
    checks.range({ column: 'opponent_days_rest', min: 1 }),
    checks.range({ column: 'avg_usage_rate_last_7_games', min: 0, max: 100 }),
  ],
})

export const contextMatchesSchedule = assertion({
  name: 'upcoming_player_game_context_matches_schedule',
  description: 'Context: per date, every scheduled game has 20–40 players and no unscheduled game has any',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: 'upcoming_player_game_context',
  query: (ctx) => sql`SELECT game_date, scheduled_games, games_with_context, context_players FROM (
  SELECT c.game_date, s.scheduled_games, c.games_with_context, c.context_players
  FROM (
    SELECT game_date, COUNT(DISTINCT game_id) AS games_with_context, COUNT(DISTINCT player_lookup) AS context_players
    FROM ${ctx.ref('upcoming_player_game_context')} WHERE game_date IS NOT NULL GROUP BY game_date
  ) AS c
  LEFT JOIN (SELECT game_date, COUNT(*) AS scheduled_games FROM ${ctx.ref('nba_schedule')} GROUP BY game_date) AS s
    ON s.game_date = c.game_date
) AS daily
WHERE scheduled_games IS NULL OR games_with_context <> scheduled_games
  OR context_players < 20 * scheduled_games OR context_players > 40 * scheduled_games`,
})

/**
 * Odds API: one line per (snapshot, game, bookmaker, player). A scraper that ran twice leaves
 * identical rows (benign: the line selection picks one); two different lines for one key are not.
 */
export const oddsApiKeys = assertion({
  name: 'odds_api_one_line_per_snapshot',
  description: 'Odds API: one points_line per (snapshot_timestamp, game_id, bookmaker, player_lookup), within (0, 80]',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: 'odds_api_player_points_props',
  query: (ctx) => sql`SELECT game_date, game_id, bookmaker, player_lookup, COUNT(DISTINCT points_line) AS lines,
    MIN(points_line) AS min_line, MAX(points_line) AS max_line
  FROM ${ctx.ref('odds_api_player_points_props')}
  WHERE game_date IS NOT NULL
  GROUP BY game_date, snapshot_timestamp, game_id, bookmaker, player_lookup
  HAVING COUNT(DISTINCT points_line) > 1 OR MIN(points_line) <= 0 OR MAX(points_line) > 80`,
})

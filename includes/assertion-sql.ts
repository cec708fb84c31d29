/**
 * SQL pieces of the standalone domain assertions (assertions/). A standalone assertion runs over
 * the whole table, outside any interval, so nothing here reads ctx.interval.
 */
import { raw, sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'
import { BOOTSTRAP_DAYS, seasonYearOf } from './sql-helpers.js'

/** The newest context row per (player_lookup, game_date), every date. */
export function allLatestContextSql(ctx: ActionContext): SqlFragment {
  return sql`SELECT player_lookup, game_date, days_rest, avg_usage_rate_last_7_games
    FROM ${ctx.ref('upcoming_player_game_context')}
    WHERE game_date IS NOT NULL
    QUALIFY ROW_NUMBER() OVER (PARTITION BY player_lookup, game_date ORDER BY created_at DESC, game_id DESC) = 1`
}

/** Whether `date` falls in the bootstrap days of its season (first game date of the season in the schedule + 14 days). */
export function isBootstrapDaySql(ctx: ActionContext, date: SqlFragment): SqlFragment {
  const schedule = ctx.ref('nba_schedule')
  return sql`${date} < (SELECT ${ctx.fn.dateAddDays(sql`MIN(s.game_date)`, BOOTSTRAP_DAYS)} FROM ${schedule} s WHERE s.season_year = ${seasonYearOf(date)})`
}

/** The player's own team on a feature-store row: the side of game_id (AWAY_HOME) that is not the opponent. */
export function ownTeamSql(ctx: ActionContext, alias: string): SqlFragment {
  const away = ctx.fn.splitPart(sql`${raw(alias)}.game_id`, '_', 2)
  const home = ctx.fn.splitPart(sql`${raw(alias)}.game_id`, '_', 3)
  return sql`CASE WHEN ${home} = ${raw(alias)}.opponent_team_abbr THEN ${away} ELSE ${home} END`
}

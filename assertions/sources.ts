/**
 * Source assertions (DOMAIN §7.2) on the declared tables the feature store reads. Each guards its
 * source, so a failure skips everything built from it (precompute, the feature store, predictions).
 * Shares are judged on dates with 50+ rows (about two games): smaller slates are noise.
 */
import { assertion, checks, sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'
import { allLatestContextSql, isBootstrapDaySql } from '../includes/assertion-sql.js'

/** A-10a / A-10b / A-10d (I-10: DNPs written as 0 points): the box scores keep DNPs as NULL. */
export const playerGameSummaryHealth = assertion({
  name: 'player_game_summary_health',
  description: 'A-10a zero-point share ≤ 0.15; A-10b a DNP has no points; A-10d played rows have minutes',
  target: 'player_game_summary',
  partitionColumn: 'game_date',
  checks: [
    checks.zeroShare({ column: 'points', max: 0.15, minRows: 50, name: 'points_zero_share' }),
    checks.expression({ name: 'dnp_has_no_points', condition: 'NOT is_dnp OR (points IS NULL AND (minutes_played IS NULL OR minutes_played = 0))' }),
    checks.zeroShare({ column: 'minutes_played', includeNull: true, where: 'NOT is_dnp', max: 0.1, severity: 'warn', minRows: 50, name: 'played_minutes_missing_share_warn' }),
    checks.zeroShare({ column: 'minutes_played', includeNull: true, where: 'NOT is_dnp', max: 0.2, minRows: 50, name: 'played_minutes_missing_share' }),
  ],
})

/**
 * A-03c (I-3: the usage baseline never loaded): share(avg_usage_rate_last_7_games IS NOT NULL) ≥ 0.10
 * per date, newest context row per player. Bootstrap days are not judged: at the very start of the
 * history nobody has seven games yet. It guards player_composite_factors, the only reader of the
 * baseline (usage_spike_score): the composites and everything after them wait for it, while the
 * daily cache, shot zones and team defense still build.
 */
export const usageBaselineLoaded = assertion({
  name: 'upcoming_context_usage_baseline_loaded',
  description: 'A-03c: at least 10% of the day\'s context rows have avg_usage_rate_last_7_games',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: 'player_composite_factors',
  query: (ctx) => sql`SELECT game_date, context_rows, share_with_usage_baseline
FROM (
  SELECT game_date, COUNT(*) AS context_rows,
    AVG(CASE WHEN avg_usage_rate_last_7_games IS NOT NULL THEN 1.0 ELSE 0.0 END) AS share_with_usage_baseline
  FROM (${allLatestContextSql(ctx)}) AS c
  GROUP BY game_date
) AS daily
WHERE share_with_usage_baseline < 0.10 AND NOT ${isBootstrapDaySql(ctx, sql`daily.game_date`)}`,
})

/** Slates the pipeline builds (up to the latest context date) with ≥ 4 games, and the Odds API players per slate. */
function oddsPerSlateSql(ctx: ActionContext): SqlFragment {
  const schedule = ctx.ref('nba_schedule')
  return sql`SELECT s.game_date, s.scheduled_games, COUNT(DISTINCT o.player_lookup) AS odds_api_players
  FROM (
    SELECT game_date, COUNT(*) AS scheduled_games FROM ${schedule}
    WHERE game_date <= (SELECT MAX(game_date) FROM ${ctx.ref('upcoming_player_game_context')})
    GROUP BY game_date
    HAVING COUNT(*) >= 4
  ) AS s
  LEFT JOIN ${ctx.ref('odds_api_player_points_props')} o ON o.game_date = s.game_date
  GROUP BY s.game_date, s.scheduled_games`
}

/** A-13b (I-13: odds not scraped): a slate of ≥ 4 games with no Odds API player at all. The "sources" assertion for Vegas lines. */
export const oddsApiPropsPresent = assertion({
  name: 'odds_api_props_present',
  description: 'A-13b: every slate of 4+ games has Odds API points props',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: 'odds_api_player_points_props',
  query: (ctx) => sql`SELECT game_date, scheduled_games, odds_api_players FROM (${oddsPerSlateSql(ctx)}) AS slates WHERE odds_api_players = 0`,
})

/**
 * A-13b warn (§6 rebuild: thresholds scale with the slate). DOMAIN §6 says 30 players per scheduled game, more than
 * dress for a game (about 27, of whom 16-20 rotation players get a points prop); the per-game floor is the project
 * variable `minPropPlayersPerGame` (includes/project.ts), 10 by default.
 */
export const oddsApiPropsThin = assertion({
  name: 'odds_api_props_thin',
  description: 'A-13b / §6: fewer Odds API players per scheduled game than minPropPlayersPerGame',
  severity: 'warn',
  partitionColumn: 'game_date',
  guards: 'odds_api_player_points_props',
  query: (ctx) => sql`SELECT game_date, scheduled_games, odds_api_players FROM (${oddsPerSlateSql(ctx)}) AS slates
WHERE odds_api_players > 0 AND odds_api_players < ${Number(ctx.vars.minPropPlayersPerGame ?? 10)} * scheduled_games`,
})

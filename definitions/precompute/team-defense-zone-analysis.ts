/**
 * nba_precompute.team_defense_zone_analysis: per team with a game on D (analysis_date = D), its
 * defense over its last 15 games before D: defensive rating (the opponents' offensive rating),
 * tempo (opponent_pace: the pace of those games) and the share of opponents' field-goal attempts
 * in each zone (percent), against the league average of the same measure on D (all teams).
 */
import { incremental, sql } from '../../src/index.js'
import {
  PRECOMPUTE_DATASET,
  PRECOMPUTE_TRACKING,
  TEAM_DEFENSE_ZONE_COLUMNS,
} from '../../includes/precompute-columns.js'
import { BATCH_DAYS, HISTORY_START, beforeIntervalEnd, exactAvg, inInterval } from '../../includes/sql-helpers.js'
import { teamHistoryCtes } from '../../includes/team-history.js'

export const teamDefenseZoneAnalysis = incremental({
  name: 'team_defense_zone_analysis',
  dataset: PRECOMPUTE_DATASET,
  description: 'Team x D: defensive rating and pace over the last 15 games, zone shares allowed vs the league average',
  tags: ['precompute'],
  interval: {
    column: 'analysis_date',
    start: HISTORY_START,
    batchDays: BATCH_DAYS,
    until: ['upcoming_player_game_context'],
  },
  write: { strategy: 'replace_interval' },
  columns: [...TEAM_DEFENSE_ZONE_COLUMNS],
  tracking: PRECOMPUTE_TRACKING,
  assertions: {
    uniqueKey: ['team_abbr', 'analysis_date'],
  },
  query: (ctx) => {
    const schedule = ctx.ref('nba_schedule')
    return sql`WITH td_playing AS (
    SELECT game_id, game_date, home_team_tricode AS team_abbr, away_team_tricode AS opponent_team_abbr FROM ${schedule} WHERE ${inInterval(ctx, 'game_date')}
    UNION ALL
    SELECT game_id, game_date, away_team_tricode AS team_abbr, home_team_tricode AS opponent_team_abbr FROM ${schedule} WHERE ${inInterval(ctx, 'game_date')}
  ),
  td_keys AS (
    SELECT t.team_abbr, d.game_date
    FROM (SELECT DISTINCT team_abbr FROM ${ctx.ref('team_offense_game_summary')} WHERE ${beforeIntervalEnd(ctx, 'game_date')}) AS t
    CROSS JOIN (SELECT DISTINCT game_date FROM td_playing) AS d
  ),
  ${teamHistoryCtes(ctx, 'td_keys')},
  td_league AS (
    SELECT game_date, ${exactAvg(ctx, sql`paint_pct_allowed_last_15`)} AS league_paint,
      ${exactAvg(ctx, sql`mid_range_pct_allowed_last_15`)} AS league_mid_range,
      ${exactAvg(ctx, sql`three_pt_pct_allowed_last_15`)} AS league_three_pt
    FROM team_history
    GROUP BY game_date
  )
SELECT p.team_abbr, p.game_date AS analysis_date, p.game_id, p.opponent_team_abbr,
  COALESCE(h.games_last_15, 0) AS games_in_window,
  h.def_rating_last_15 AS defensive_rating_last_15,
  h.pace_last_15 AS opponent_pace,
  COALESCE(h.zone_games_last_15, 0) AS zone_games_in_window,
  h.paint_pct_allowed_last_15, h.mid_range_pct_allowed_last_15, h.three_pt_pct_allowed_last_15,
  l.league_paint AS league_paint_pct_allowed, l.league_mid_range AS league_mid_range_pct_allowed, l.league_three_pt AS league_three_pt_pct_allowed,
  h.paint_pct_allowed_last_15 - l.league_paint AS paint_defense_vs_league,
  h.mid_range_pct_allowed_last_15 - l.league_mid_range AS mid_range_defense_vs_league,
  h.three_pt_pct_allowed_last_15 - l.league_three_pt AS three_pt_defense_vs_league
FROM td_playing p
LEFT JOIN team_history h ON h.team_abbr = p.team_abbr AND h.game_date = p.game_date
LEFT JOIN td_league l ON l.game_date = p.game_date
WHERE ${inInterval(ctx, 'p.game_date')}`
  },
})

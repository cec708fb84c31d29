/**
 * nba_precompute.player_daily_cache: per roster player and cache_date = D, the recent-performance,
 * load, team-tempo, minutes and shot-mix aggregates of DOMAIN §2, all over games before D.
 */
import { incremental, sql } from '../../src/index.js'
import { playerHistoryCtes, recentPerformanceSql, zoneRateSql } from '../../includes/player-history.js'
import {
  PLAYER_DAILY_CACHE_COLUMNS,
  PRECOMPUTE_DATASET,
  PRECOMPUTE_TRACKING,
} from '../../includes/precompute-columns.js'
import { rosterCtes } from '../../includes/roster.js'
import { BATCH_DAYS, HISTORY_START } from '../../includes/sql-helpers.js'
import { teamHistoryCtes } from '../../includes/team-history.js'

export const playerDailyCache = incremental({
  name: 'player_daily_cache',
  dataset: PRECOMPUTE_DATASET,
  description:
    'Player x D: points averages (5, 10, season), std (10), games in 7 days, team pace/offense (10), minutes (10), shot mix (10)',
  tags: ['precompute'],
  interval: {
    column: 'cache_date',
    start: HISTORY_START,
    batchDays: BATCH_DAYS,
    until: ['upcoming_player_game_context'],
  },
  write: { strategy: 'replace_interval' },
  columns: [...PLAYER_DAILY_CACHE_COLUMNS],
  tracking: PRECOMPUTE_TRACKING,
  clusterBy: ['player_lookup'],
  assertions: {
    uniqueKey: ['player_lookup', 'cache_date'],
    range: {
      points_avg_last_5: { min: 0, max: 70 },
      points_avg_last_10: { min: 0, max: 70 },
      points_avg_season: { min: 0, max: 70 },
      // A-16 at the root (I-16: values up to 24 from an upstream aggregation): at most 4 games in 7 days
      games_in_last_7_days: { min: 0, max: 4 },
    },
  },
  query: (ctx) => {
    const recent = recentPerformanceSql('h.')
    return sql`WITH ${rosterCtes(ctx)},
  ${playerHistoryCtes(ctx, 'roster')},
  ${teamHistoryCtes(ctx, 'roster')}
SELECT r.player_lookup, r.game_date AS cache_date, r.game_id, r.universal_player_id, r.team_abbr,
  ${recent.points_avg_last_5} AS points_avg_last_5,
  ${recent.points_avg_last_10} AS points_avg_last_10,
  ${recent.points_avg_season} AS points_avg_season,
  ${recent.points_std_last_10} AS points_std_last_10,
  COALESCE(h.games_last_7_days, 0) AS games_in_last_7_days,
  t.pace_last_10 AS team_pace_last_10,
  t.off_rating_last_10 AS team_off_rating_last_10,
  ${recent.minutes_avg_last_10} AS minutes_avg_last_10,
  ${zoneRateSql(ctx, 'h.', 'paint')} AS paint_rate_last_10,
  ${zoneRateSql(ctx, 'h.', 'three_pt')} AS three_pt_rate_last_10,
  COALESCE(h.games_before, 0) AS games_played_before
FROM roster r
LEFT JOIN player_history h ON h.player_lookup = r.player_lookup AND h.game_date = r.game_date
LEFT JOIN team_history t ON t.team_abbr = r.team_abbr AND t.game_date = r.game_date`
  },
})

/**
 * nba_precompute.player_shot_zone_analysis: per roster player and analysis_date = D, the share of
 * field-goal attempts in the paint, mid-range and three-point zones (percent, 0–100) over the last
 * 10 played games before D. Play-by-play gaps (NULL attempts) are skipped; the rates are NULL when
 * fewer than half of those games have play-by-play. primary_zone is the zone with the highest rate.
 */
import { incremental, sql } from '../../src/index.js'
import { playerHistoryCtes, zoneRateSql } from '../../includes/player-history.js'
import { PLAYER_SHOT_ZONE_COLUMNS, PRECOMPUTE_DATASET, PRECOMPUTE_TRACKING } from '../../includes/precompute-columns.js'
import { rosterCtes } from '../../includes/roster.js'
import { BATCH_DAYS, HISTORY_START } from '../../includes/sql-helpers.js'

export const playerShotZoneAnalysis = incremental({
  name: 'player_shot_zone_analysis',
  dataset: PRECOMPUTE_DATASET,
  description:
    'Player x D: paint / mid-range / three-point share of FGA over the last 10 games (percent); NULL without play-by-play',
  tags: ['precompute'],
  interval: {
    column: 'analysis_date',
    start: HISTORY_START,
    batchDays: BATCH_DAYS,
    until: ['upcoming_player_game_context'],
  },
  write: { strategy: 'replace_interval' },
  columns: [...PLAYER_SHOT_ZONE_COLUMNS],
  tracking: PRECOMPUTE_TRACKING,
  clusterBy: ['player_lookup'],
  assertions: {
    uniqueKey: ['player_lookup', 'analysis_date'],
    range: {
      paint_rate_last_10: { min: 0, max: 100 },
      mid_range_rate_last_10: { min: 0, max: 100 },
      three_pt_rate_last_10: { min: 0, max: 100 },
    },
  },
  query: (ctx) => sql`WITH ${rosterCtes(ctx)},
  ${playerHistoryCtes(ctx, 'roster')},
  zones AS (
    SELECT r.player_lookup, r.game_date AS analysis_date, r.game_id, r.team_abbr, r.opponent_team_abbr,
      COALESCE(h.games_last_10, 0) AS games_in_window,
      COALESCE(h.zone_games_last_10, 0) AS zone_games_in_window,
      ${zoneRateSql(ctx, 'h.', 'paint')} AS paint_rate_last_10,
      ${zoneRateSql(ctx, 'h.', 'mid_range')} AS mid_range_rate_last_10,
      ${zoneRateSql(ctx, 'h.', 'three_pt')} AS three_pt_rate_last_10
    FROM roster r
    LEFT JOIN player_history h ON h.player_lookup = r.player_lookup AND h.game_date = r.game_date
  )
SELECT z.*,
  CASE WHEN paint_rate_last_10 IS NULL OR mid_range_rate_last_10 IS NULL OR three_pt_rate_last_10 IS NULL THEN NULL
    WHEN paint_rate_last_10 >= mid_range_rate_last_10 AND paint_rate_last_10 >= three_pt_rate_last_10 THEN 'paint'
    WHEN mid_range_rate_last_10 >= three_pt_rate_last_10 THEN 'mid_range'
    ELSE 'three_pt' END AS primary_zone,
  CASE WHEN paint_rate_last_10 IS NULL OR mid_range_rate_last_10 IS NULL OR three_pt_rate_last_10 IS NULL THEN NULL
    WHEN paint_rate_last_10 >= mid_range_rate_last_10 AND paint_rate_last_10 >= three_pt_rate_last_10 THEN paint_rate_last_10
    WHEN mid_range_rate_last_10 >= three_pt_rate_last_10 THEN mid_range_rate_last_10
    ELSE three_pt_rate_last_10 END AS primary_zone_rate
FROM zones z`,
})

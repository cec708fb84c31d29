/**
 * nba_precompute.player_composite_factors: per roster player and game_date = D, the composite
 * scores of DOMAIN §3.1: fatigue (#5, with fatigue_context_json.final_score = fatigue_score),
 * shot-zone mismatch (#6), pace (#7) and usage spike (#8), each with its inputs as JSON.
 */
import { incremental, sql } from '../../src/index.js'
import { playerHistoryCtes } from '../../includes/player-history.js'
import { PLAYER_COMPOSITE_COLUMNS, PRECOMPUTE_DATASET, PRECOMPUTE_TRACKING } from '../../includes/precompute-columns.js'
import { rosterCtes } from '../../includes/roster.js'
import { BATCH_DAYS, HISTORY_START, ageInYears, inInterval } from '../../includes/sql-helpers.js'
import { teamHistoryCtes } from '../../includes/team-history.js'
import {
  fatigueContextSql,
  fatigueScoreSql,
  paceScoreSql,
  shotZoneMismatchSql,
  usageSpikeScoreSql,
} from './composite-sql.js'

export const playerCompositeFactors = incremental({
  name: 'player_composite_factors',
  dataset: PRECOMPUTE_DATASET,
  description: 'Player x D: fatigue, shot-zone mismatch, pace and usage-spike scores with their inputs',
  tags: ['precompute'],
  interval: {
    column: 'game_date',
    start: HISTORY_START,
    batchDays: BATCH_DAYS,
    until: ['upcoming_player_game_context'],
  },
  write: { strategy: 'replace_interval' },
  columns: [...PLAYER_COMPOSITE_COLUMNS],
  tracking: PRECOMPUTE_TRACKING,
  clusterBy: ['player_lookup'],
  assertions: {
    minRows: 50,
    uniqueKey: ['game_date', 'player_lookup'],
    range: {
      fatigue_score: { min: 0, max: 100 },
      shot_zone_mismatch_score: { min: -15, max: 15 },
      pace_score: { min: -8, max: 8 },
      usage_spike_score: { min: -8, max: 8 },
    },
    // A-07a (PCF): no zeroed fatigue, a rested mean
    zeroShare: [
      { column: 'fatigue_score', max: 0.1, name: 'fatigue_score_zero_share', where: 'NOT early_season_flag' },
      // A-03a (PCF): the usage spike is mostly non-zero when its baseline loads (I-3); warn
      {
        column: 'usage_spike_score',
        // 0 or NULL (no baseline): healthy max 0.61, I-3 ≈ 1.00; why not 0.50: the store's A-03a
        max: 0.75,
        includeNull: true,
        severity: 'warn',
        name: 'usage_spike_score_zero_share',
        where: 'NOT early_season_flag',
      },
    ],
    // A-03b (PCF): never constant; all-NULL (no usage baseline at all) counts as constant. Bootstrap
    // days are skipped: at the very start of the history nobody has a usage baseline yet.
    notConstant: {
      column: 'usage_spike_score',
      name: 'usage_spike_score_not_constant',
      where: 'NOT early_season_flag',
      minRows: 20,
    },
  },
  query: (ctx) => {
    const shotZones = ctx.ref('player_shot_zone_analysis')
    const defense = ctx.ref('team_defense_zone_analysis')
    return sql`WITH ${rosterCtes(ctx)},
  ${playerHistoryCtes(ctx, 'roster')},
  pace_keys AS (
    SELECT team_abbr, game_date FROM roster
    UNION ALL
    SELECT opponent_team_abbr AS team_abbr, game_date FROM roster
  ),
  ${teamHistoryCtes(ctx, 'pace_keys')},
  inputs AS (
    SELECT r.player_lookup, r.game_date, r.game_id, r.universal_player_id, r.team_abbr, r.opponent_team_abbr, r.early_season_flag, r.days_rest,
      COALESCE(h.games_last_7_days, 0) AS games_last_7_days,
      COALESCE(h.minutes_last_7_days, 0) AS minutes_last_7_days,
      h.minutes_per_game_last_7_days,
      COALESCE(h.back_to_backs_last_14_days, 0) AS back_to_backs_last_14_days,
      ${ageInYears(sql`pr.birth_date`, sql`r.game_date`)} AS age,
      tp.pace_last_10 AS team_pace, op.pace_last_10 AS opponent_pace, tp.pace_last_10 - op.pace_last_10 AS pace_differential,
      r.projected_usage_rate, r.avg_usage_rate_last_7_games, r.star_teammates_out,
      sz.primary_zone, sz.primary_zone_rate,
      CASE sz.primary_zone WHEN 'paint' THEN td.paint_defense_vs_league WHEN 'mid_range' THEN td.mid_range_defense_vs_league
        WHEN 'three_pt' THEN td.three_pt_defense_vs_league END AS opponent_zone_vs_league
    FROM roster r
    LEFT JOIN player_history h ON h.player_lookup = r.player_lookup AND h.game_date = r.game_date
    LEFT JOIN ${ctx.ref('player_registry')} pr ON pr.player_lookup = r.player_lookup
    LEFT JOIN team_history tp ON tp.team_abbr = r.team_abbr AND tp.game_date = r.game_date
    LEFT JOIN team_history op ON op.team_abbr = r.opponent_team_abbr AND op.game_date = r.game_date
    LEFT JOIN ${shotZones} sz ON sz.player_lookup = r.player_lookup AND sz.analysis_date = r.game_date AND ${inInterval(ctx, 'sz.analysis_date')}
    LEFT JOIN ${defense} td ON td.team_abbr = r.opponent_team_abbr AND td.analysis_date = r.game_date AND ${inInterval(ctx, 'td.analysis_date')}
  ),
  scored AS (
    SELECT i.*, ${fatigueScoreSql(ctx)} AS fatigue_score FROM inputs i
  )
SELECT player_lookup, game_date, game_id, universal_player_id, team_abbr, opponent_team_abbr, early_season_flag,
  fatigue_score,
  ${fatigueContextSql(ctx, sql`fatigue_score`)} AS fatigue_context_json,
  ${shotZoneMismatchSql(ctx, { vsLeague: sql`opponent_zone_vs_league`, zoneRate: sql`primary_zone_rate` })} AS shot_zone_mismatch_score,
  ${ctx.fn.jsonObject([
    ['primary_zone', sql`primary_zone`],
    ['primary_zone_rate', sql`primary_zone_rate`],
    ['opponent_zone_vs_league', sql`opponent_zone_vs_league`],
  ])} AS shot_zone_context_json,
  ${paceScoreSql(ctx, sql`pace_differential`)} AS pace_score,
  ${ctx.fn.jsonObject([
    ['team_pace_last_10', sql`team_pace`],
    ['opponent_pace_last_10', sql`opponent_pace`],
    ['pace_differential', sql`pace_differential`],
  ])} AS pace_context_json,
  ${usageSpikeScoreSql(ctx, { projected: sql`projected_usage_rate`, baseline: sql`avg_usage_rate_last_7_games`, starsOut: sql`star_teammates_out` })} AS usage_spike_score,
  ${ctx.fn.jsonObject([
    ['projected_usage_rate', sql`projected_usage_rate`],
    ['avg_usage_rate_last_7_games', sql`avg_usage_rate_last_7_games`],
    ['star_teammates_out', sql`star_teammates_out`],
  ])} AS usage_context_json
FROM scored`
  },
})

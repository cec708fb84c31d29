/**
 * The feature store's inputs for a batch: the four precompute tables for the interval, the team
 * game coverage behind the completeness columns, and the lineage of each upstream row
 * (source_<upstream>_{last_updated, rows_found, completeness_pct, hash}).
 */
import { raw, sql } from '../../src/index.js'
import type { ActionContext, SqlFragment } from '../../src/index.js'
import { beforeIntervalEnd, hashNumbers, inInterval, joinWith } from '../../includes/sql-helpers.js'

export interface Upstream {
  /** Suffix of the lineage columns: source_<key>_*. */
  readonly key: 'daily_cache' | 'composite' | 'shot_zones' | 'team_defense'
  readonly action:
    'player_daily_cache' | 'player_composite_factors' | 'player_shot_zone_analysis' | 'team_defense_zone_analysis'
  /** Alias in the feature expressions. */
  readonly alias: string
  readonly dateColumn: string
  /** Columns the store reads from it: completeness_pct is the share of them present, hash covers them. */
  readonly fields: readonly string[]
}

export const UPSTREAMS: readonly Upstream[] = [
  {
    key: 'daily_cache',
    action: 'player_daily_cache',
    alias: 'c',
    dateColumn: 'cache_date',
    fields: [
      'points_avg_last_5',
      'points_avg_last_10',
      'points_avg_season',
      'points_std_last_10',
      'games_in_last_7_days',
      'team_pace_last_10',
      'team_off_rating_last_10',
    ],
  },
  {
    key: 'composite',
    action: 'player_composite_factors',
    alias: 'p',
    dateColumn: 'game_date',
    fields: ['fatigue_score', 'shot_zone_mismatch_score', 'pace_score', 'usage_spike_score'],
  },
  {
    key: 'shot_zones',
    action: 'player_shot_zone_analysis',
    alias: 's',
    dateColumn: 'analysis_date',
    fields: ['paint_rate_last_10', 'mid_range_rate_last_10', 'three_pt_rate_last_10'],
  },
  {
    key: 'team_defense',
    action: 'team_defense_zone_analysis',
    alias: 'd',
    dateColumn: 'analysis_date',
    fields: ['defensive_rating_last_15', 'opponent_pace'],
  },
]

function upstreamCte(ctx: ActionContext, upstream: Upstream): SqlFragment {
  return sql`fs_${raw(upstream.key)} AS (
    SELECT * FROM ${ctx.ref(upstream.action)} WHERE ${inInterval(ctx, upstream.dateColumn)}
  )`
}

/** `WITH`-list entries: fs_<upstream> per precompute table, fs_completeness per (team_abbr, game_date) of the roster. */
export function featureStoreInputCtes(ctx: ActionContext): SqlFragment {
  const schedule = ctx.ref('nba_schedule')
  return sql`${joinWith(
    UPSTREAMS.map((u) => upstreamCte(ctx, u)),
    ',\n  ',
  )},
  fs_team_schedule AS (
    SELECT game_id, game_date, season_year, home_team_tricode AS team_abbr FROM ${schedule} WHERE ${beforeIntervalEnd(ctx, 'game_date')}
    UNION ALL
    SELECT game_id, game_date, season_year, away_team_tricode AS team_abbr FROM ${schedule} WHERE ${beforeIntervalEnd(ctx, 'game_date')}
  ),
  fs_box_games AS (
    SELECT DISTINCT game_id, team_abbr FROM ${ctx.ref('player_game_summary')} WHERE ${beforeIntervalEnd(ctx, 'game_date')}
  ),
  fs_completeness AS (
    SELECT k.team_abbr, k.game_date, COUNT(g.game_id) AS expected_games, COUNT(b.game_id) AS actual_games
    FROM (SELECT DISTINCT team_abbr, game_date, season_year FROM roster) AS k
    LEFT JOIN fs_team_schedule g ON g.team_abbr = k.team_abbr AND g.season_year = k.season_year AND g.game_date < k.game_date
    LEFT JOIN fs_box_games b ON b.game_id = g.game_id AND b.team_abbr = g.team_abbr
    GROUP BY k.team_abbr, k.game_date
  )`
}

/** Joins of the upstream rows onto the roster `r` (the opponent's row for team defense). */
export function upstreamJoins(): SqlFragment {
  return raw(
    UPSTREAMS.map((u) => {
      const on =
        u.key === 'team_defense'
          ? `${u.alias}.team_abbr = r.opponent_team_abbr AND ${u.alias}.${u.dateColumn} = r.game_date`
          : `${u.alias}.player_lookup = r.player_lookup AND ${u.alias}.${u.dateColumn} = r.game_date`
      return `LEFT JOIN fs_${u.key} ${u.alias} ON ${on}`
    }).join('\n'),
  )
}

/** Stage-1 columns of each upstream: <key>_found, <key>_last_updated, <key>_completeness_pct, <key>_hash. */
export function lineageInputs(ctx: ActionContext): SqlFragment {
  return joinWith(
    UPSTREAMS.map((u) => {
      const found = `${u.alias}.${u.dateColumn} IS NOT NULL`
      const present = joinWith(
        u.fields.map((f) => raw(`(CASE WHEN ${u.alias}.${f} IS NOT NULL THEN 1 ELSE 0 END)`)),
        ' + ',
      )
      return sql`${raw(found)} AS ${raw(u.key)}_found,
    ${raw(u.alias)}.processed_at AS ${raw(u.key)}_last_updated,
    CASE WHEN ${raw(found)} THEN 100.0 * (${present}) / ${u.fields.length} ELSE 0 END AS ${raw(u.key)}_completeness_pct,
    CASE WHEN ${raw(found)} THEN ${hashNumbers(
      ctx,
      u.fields.map((f) => raw(`${u.alias}.${f}`)),
    )} END AS ${raw(u.key)}_hash`
    }),
    ',\n    ',
  )
}

/** Final lineage columns (16), from stage-1 columns read through `prefix`. */
export function lineageColumns(ctx: ActionContext, prefix: string): Map<string, SqlFragment> {
  const columns = new Map<string, SqlFragment>()
  for (const u of UPSTREAMS) {
    const c = (suffix: string) => raw(`${prefix}${u.key}_${suffix}`)
    columns.set(`source_${u.key}_last_updated`, c('last_updated'))
    columns.set(`source_${u.key}_rows_found`, ctx.fn.cast(sql`CASE WHEN ${c('found')} THEN 1 ELSE 0 END`, 'INT64'))
    columns.set(
      `source_${u.key}_completeness_pct`,
      ctx.fn.cast(sql`ROUND(${c('completeness_pct')}, 2)`, 'NUMERIC(5,2)'),
    )
    columns.set(`source_${u.key}_hash`, c('hash'))
  }
  return columns
}

/** The data-quality issue of an upstream row that was not found. */
export function upstreamIssue(upstream: Upstream): string {
  return `upstream_${upstream.action}_incomplete`
}

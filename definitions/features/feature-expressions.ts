/**
 * The SQL of every V8 feature (DOMAIN §3.1), keyed by its catalog name. Each entry gives the value
 * and the source label it carries when the value is present; a NULL value is labelled `missing`
 * (rebuild rule: missing stays NULL, never 0.0). Expressions read the feature store's joined
 * inputs by alias:
 *   r roster (context)            c player_daily_cache        h player_history (PGS, `phase3`)
 *   p player_composite_factors    s player_shot_zone_analysis  d team_defense_zone_analysis (opponent)
 *   t team_history (own team)     l selected_lines
 * `derived` features are computed from other features' final values (so they are never NULL).
 */
import { sql } from '../../src/index.js'
import type { ActionContext, SqlFragment } from '../../src/index.js'
import { FEATURE_CATALOG } from '../../includes/feature-catalog.js'
import type { FeatureSourceLabel } from '../../includes/feature-catalog.js'
import { recentPerformanceSql } from '../../includes/player-history.js'
import { teamWinPctSql } from '../../includes/team-history.js'

export interface FeatureExpression {
  /** Value as FLOAT64-castable SQL over the aliases above. */
  readonly value: SqlFragment
  /** Label of a present value: a constant, or SQL choosing between chain steps. */
  readonly source: FeatureSourceLabel | SqlFragment
}

export interface DerivedFeature {
  /** Value over the final feature columns (aliased f). */
  readonly derived: SqlFragment
  readonly source: FeatureSourceLabel
}

/** `first` (Phase 4) when present, else `second` (Phase 3). */
function chain(first: SqlFragment, second: SqlFragment): FeatureExpression {
  return {
    value: sql`COALESCE(${first}, ${second})`,
    source: sql`CASE WHEN ${first} IS NOT NULL THEN 'phase4' ELSE 'phase3' END`,
  }
}

function stepped(x: SqlFragment, steps: readonly [number, number, number, number]): SqlFragment {
  const [up2, up1, down2, down1] = steps
  return sql`(CASE WHEN ${x} >= ${up2} THEN 2 WHEN ${x} >= ${up1} THEN 1 WHEN ${x} <= ${down2} THEN -2 WHEN ${x} <= ${down1} THEN -1 ELSE 0 END)`
}

const INJURY_RISK = sql`CASE LOWER(COALESCE(r.player_status, 'available'))
    WHEN 'available' THEN 0 WHEN 'none' THEN 0 WHEN 'probable' THEN 1 WHEN 'questionable' THEN 2 WHEN 'doubtful' THEN 3 WHEN 'out' THEN 3 END`

/** The expressions, by catalog name. Throws at compile time when a catalog feature has none. */
export function featureExpressions(ctx: ActionContext): ReadonlyMap<string, FeatureExpression | DerivedFeature> {
  const recent = recentPerformanceSql('h.')
  const trendDelta = sql`(h.points_avg_games_4_5 - h.points_avg_games_1_3)`
  const minutesDelta = ctx.fn.safeDivide(
    sql`(h.minutes_avg_10_games - h.minutes_avg_season)`,
    sql`h.minutes_avg_season`,
  )
  const entries: Record<string, FeatureExpression | DerivedFeature> = {
    points_avg_last_5: chain(sql`c.points_avg_last_5`, recent.points_avg_last_5),
    points_avg_last_10: chain(sql`c.points_avg_last_10`, recent.points_avg_last_10),
    points_avg_season: chain(sql`c.points_avg_season`, recent.points_avg_season),
    points_std_last_10: { value: sql`c.points_std_last_10`, source: 'phase4' },
    games_in_last_7_days: { value: sql`c.games_in_last_7_days`, source: 'phase4' },
    // Stored = fatigue_context_json.final_score (A-07b keeps the column equal to it)
    fatigue_score: { value: ctx.fn.jsonValue(sql`p.fatigue_context_json`, '$.final_score'), source: 'phase4' },
    shot_zone_mismatch_score: { value: sql`p.shot_zone_mismatch_score`, source: 'phase4' },
    pace_score: { value: sql`p.pace_score`, source: 'phase4' },
    usage_spike_score: { value: sql`p.usage_spike_score`, source: 'phase4' },
    rest_advantage: { value: ctx.fn.clamp(sql`r.days_rest - r.opponent_days_rest`, -2, 2), source: 'calculated' },
    injury_risk: { value: sql`CASE WHEN r.has_context THEN ${INJURY_RISK} END`, source: 'calculated' },
    recent_trend: {
      value: sql`CASE WHEN h.games_last_5 = 5 THEN ${stepped(trendDelta, [5, 2, -5, -2])} END`,
      source: 'calculated',
    },
    minutes_change: {
      value: sql`CASE WHEN h.minutes_avg_10_games > 0 AND h.minutes_avg_season > 0 THEN ${stepped(minutesDelta, [0.2, 0.1, -0.2, -0.1])} END`,
      source: 'calculated',
    },
    opponent_def_rating: { value: sql`d.defensive_rating_last_15`, source: 'phase4' },
    opponent_pace: { value: sql`d.opponent_pace`, source: 'phase4' },
    home_away: { value: sql`CASE WHEN r.is_home THEN 1 ELSE 0 END`, source: 'calculated' },
    // days_rest NULL = no earlier game this season: not a back-to-back (never the legacy `= 0` test, I-5)
    back_to_back: { value: sql`CASE WHEN r.days_rest = 1 THEN 1 ELSE 0 END`, source: 'calculated' },
    playoff_game: {
      value: sql`CASE WHEN r.season_phase = 'playoffs' THEN 1 WHEN r.season_phase IS NOT NULL THEN 0 END`,
      source: 'calculated',
    },
    pct_paint: { value: sql`COALESCE(s.paint_rate_last_10, c.paint_rate_last_10) / 100`, source: 'phase4' },
    pct_mid_range: { value: sql`s.mid_range_rate_last_10 / 100`, source: 'phase4' },
    pct_three: { value: sql`COALESCE(s.three_pt_rate_last_10, c.three_pt_rate_last_10) / 100`, source: 'phase4' },
    pct_free_throw: {
      value: sql`CASE WHEN h.games_last_10 >= 5 THEN ${ctx.fn.clamp(ctx.fn.safeDivide(ctx.fn.cast(sql`h.ft_makes_last_10`, 'FLOAT64'), sql`h.points_sum_last_10`), 0, 0.5)} END`,
      source: 'calculated',
    },
    team_pace: { value: sql`c.team_pace_last_10`, source: 'phase4' },
    team_off_rating: { value: sql`c.team_off_rating_last_10`, source: 'phase4' },
    team_win_pct: { value: teamWinPctSql(ctx, 't.'), source: 'calculated' },
    vegas_points_line: { value: sql`l.points_line`, source: 'vegas' },
    vegas_opening_line: { value: sql`l.opening_line`, source: 'vegas' },
    vegas_line_move: { value: sql`l.points_line - l.opening_line`, source: 'vegas' },
    has_vegas_line: { derived: sql`CASE WHEN f.vegas_points_line IS NULL THEN 0.0 ELSE 1.0 END`, source: 'calculated' },
    avg_points_vs_opponent: { value: sql`h.points_avg_vs_opponent`, source: 'opponent_history' },
    games_vs_opponent: { value: sql`COALESCE(h.games_vs_opponent, 0)`, source: 'opponent_history' },
    minutes_avg_last_10: { value: sql`h.minutes_avg_last_30_days`, source: 'minutes_ppm' },
    ppm_avg_last_10: { value: sql`h.ppm_avg_last_30_days`, source: 'minutes_ppm' },
    has_shot_zone_data: {
      derived: sql`CASE WHEN f.pct_paint IS NOT NULL AND f.pct_mid_range IS NOT NULL AND f.pct_three IS NOT NULL THEN 1.0 ELSE 0.0 END`,
      source: 'calculated',
    },
  }
  const missing = FEATURE_CATALOG.map((f) => f.name).filter((name) => !(name in entries))
  const unknown = Object.keys(entries).filter((name) => !FEATURE_CATALOG.some((f) => f.name === name))
  if (missing.length || unknown.length) {
    throw new Error(
      `definitions/features/feature-expressions.ts does not match the feature catalog: missing ${missing.join(', ') || 'none'}; unknown ${unknown.join(', ') || 'none'}`,
    )
  }
  return new Map(FEATURE_CATALOG.map((f) => [f.name, entries[f.name] as FeatureExpression | DerivedFeature]))
}

export function isDerived(expression: FeatureExpression | DerivedFeature): expression is DerivedFeature {
  return 'derived' in expression
}

/**
 * Columns contracts of the four nba_precompute tables. They are rebuilt from the sources (no
 * migration owns them), so the definitions own these contracts; the engine checks every staged
 * batch against them. The last four columns are written by the engine (PRECOMPUTE_TRACKING).
 */
import type { ColumnSpec } from '../src/index.js'

export const PRECOMPUTE_DATASET = 'nba_precompute'

/** Engine-written tracking columns of every precompute table: column → run value. */
export const PRECOMPUTE_TRACKING = {
  build_commit_sha: 'buildCommitSha',
  run_id: 'runId',
  feature_source_mode: 'mode',
  processed_at: 'startedAt',
} as const

function parse(spec: string): ColumnSpec[] {
  return spec
    .split(/,(?![^(<]*[)>])/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name, type, notNull] = part.split(/\s+/)
      return { name: name as string, type: type as string, ...(notNull === 'NN' ? { nullable: false } : {}) }
    })
}

const TRACKING_COLUMNS = parse(
  'build_commit_sha STRING NN, run_id STRING NN, feature_source_mode STRING NN, processed_at TIMESTAMP NN',
)

/** Player x cache_date (= D): recent scoring, load, team tempo, minutes and shot mix. */
export const PLAYER_DAILY_CACHE_COLUMNS: readonly ColumnSpec[] = [
  ...parse(`player_lookup STRING NN, cache_date DATE NN, game_id STRING NN, universal_player_id STRING, team_abbr STRING,
    points_avg_last_5 FLOAT64, points_avg_last_10 FLOAT64, points_avg_season FLOAT64, points_std_last_10 FLOAT64,
    games_in_last_7_days INT64 NN, team_pace_last_10 FLOAT64, team_off_rating_last_10 FLOAT64, minutes_avg_last_10 FLOAT64,
    paint_rate_last_10 FLOAT64, three_pt_rate_last_10 FLOAT64, games_played_before INT64 NN`),
  ...TRACKING_COLUMNS,
]

/** Team x analysis_date (= D), teams with a game on D: defense, tempo and zone defense vs the league. */
export const TEAM_DEFENSE_ZONE_COLUMNS: readonly ColumnSpec[] = [
  ...parse(`team_abbr STRING NN, analysis_date DATE NN, game_id STRING NN, opponent_team_abbr STRING, games_in_window INT64 NN,
    defensive_rating_last_15 FLOAT64, opponent_pace FLOAT64, zone_games_in_window INT64 NN,
    paint_pct_allowed_last_15 FLOAT64, mid_range_pct_allowed_last_15 FLOAT64, three_pt_pct_allowed_last_15 FLOAT64,
    league_paint_pct_allowed FLOAT64, league_mid_range_pct_allowed FLOAT64, league_three_pt_pct_allowed FLOAT64,
    paint_defense_vs_league FLOAT64, mid_range_defense_vs_league FLOAT64, three_pt_defense_vs_league FLOAT64`),
  ...TRACKING_COLUMNS,
]

/** Player x analysis_date (= D): share of FGA per zone over the last 10 games, percent 0–100; NULL without play-by-play. */
export const PLAYER_SHOT_ZONE_COLUMNS: readonly ColumnSpec[] = [
  ...parse(`player_lookup STRING NN, analysis_date DATE NN, game_id STRING NN, team_abbr STRING, opponent_team_abbr STRING,
    games_in_window INT64 NN, zone_games_in_window INT64 NN, paint_rate_last_10 FLOAT64, mid_range_rate_last_10 FLOAT64,
    three_pt_rate_last_10 FLOAT64, primary_zone STRING, primary_zone_rate FLOAT64`),
  ...TRACKING_COLUMNS,
]

/** Player x game_date (= D); PK (game_date, player_lookup): the four composite scores with their inputs. */
export const PLAYER_COMPOSITE_COLUMNS: readonly ColumnSpec[] = [
  ...parse(`player_lookup STRING NN, game_date DATE NN, game_id STRING NN, universal_player_id STRING, team_abbr STRING,
    opponent_team_abbr STRING, early_season_flag BOOL NN, fatigue_score INT64 NN, fatigue_context_json JSON NN, shot_zone_mismatch_score NUMERIC(4,1),
    shot_zone_context_json JSON, pace_score NUMERIC(3,1), pace_context_json JSON, usage_spike_score NUMERIC(3,1),
    usage_context_json JSON`),
  ...TRACKING_COLUMNS,
]

/**
 * The V8 feature catalog (DOMAIN.md §3.1), once, as data: every feature's index, name, family,
 * critical flag, legacy defaults and valid range, plus the quality weights and tier rules of §3.3.
 * Store index = model index for 0–32; `has_shot_zone_data` is model index 33 and a store column
 * in the rebuild. Rebuild rule: the store keeps NULL when an input is missing; a default, if the
 * model needs one, is applied when the model vector is built.
 */

export type FeatureFamily =
  | 'recent_performance'
  | 'composite'
  | 'derived'
  | 'matchup'
  | 'shot_zone'
  | 'team'
  | 'vegas'
  | 'opponent_history'
  | 'minutes_ppm'

/**
 * A legacy default: a number, `season_avg` (the player's season average), `nan` (the model got NaN),
 * or null (none: the store never wrote the feature).
 */
export type LegacyDefault = number | 'season_avg' | 'nan' | null

export interface FeatureSpec {
  /** Model vector index (= store index for 0–32). */
  readonly index: number
  /** Column name in ml_feature_store_v2 and key in features_snapshot. */
  readonly name: string
  readonly family: FeatureFamily
  /** A key of `critical_features`: it caused an incident. */
  readonly isCritical: boolean
  readonly meaning: string
  /** What the legacy store wrote / what the legacy model input used when the value was missing. */
  readonly legacyDefault: { readonly store: LegacyDefault; readonly model: LegacyDefault; readonly note?: string }
  /** Valid values; out of range blocks the write in the rebuild. */
  readonly range: { readonly min: number; readonly max: number }
  /** Only 0 or 1. */
  readonly isBinary: boolean
}

type Row = readonly [
  index: number,
  name: string,
  family: FeatureFamily,
  critical: boolean,
  meaning: string,
  store: LegacyDefault,
  model: LegacyDefault,
  min: number,
  max: number,
  note?: string,
]

const BINARY = new Set(['home_away', 'back_to_back', 'playoff_game', 'has_vegas_line', 'has_shot_zone_data'])

// [index, name, family, critical, meaning, legacy store default, legacy model default, min, max, note]
const ROWS: readonly Row[] = [
  [0, 'points_avg_last_5', 'recent_performance', false, 'recent scoring', 10, 'season_avg', 0, 70],
  [1, 'points_avg_last_10', 'recent_performance', false, 'recent scoring', 10, 'season_avg', 0, 70],
  [2, 'points_avg_season', 'recent_performance', false, 'season level', 10, 10, 0, 70],
  [3, 'points_std_last_10', 'recent_performance', false, 'volatility', 5, 5, 0, 30],
  [4, 'games_in_last_7_days', 'recent_performance', false, 'load', 3, 2, 0, 4],
  [
    5,
    'fatigue_score',
    'composite',
    false,
    'rest, 100 = rested',
    50,
    70,
    0,
    100,
    'outside 0–100 blocked the legacy write',
  ],
  [6, 'shot_zone_mismatch_score', 'composite', false, 'zone matchup', 0, 0, -15, 15],
  [7, 'pace_score', 'composite', true, 'pace edge', 0, 0, -8, 8],
  [8, 'usage_spike_score', 'composite', true, 'usage jump', 0, 0, -8, 8],
  [9, 'rest_advantage', 'derived', false, 'rest vs opponent', 0, 0, -3, 3],
  [10, 'injury_risk', 'derived', false, 'listed status', 0, 0, 0, 3],
  [11, 'recent_trend', 'derived', false, 'form (positive = scoring fell)', 0, 0, -2, 2],
  [12, 'minutes_change', 'derived', false, 'role change', 0, 0, -2, 2],
  [13, 'opponent_def_rating', 'matchup', false, 'opponent defense', 112, 112, 90, 130],
  [14, 'opponent_pace', 'matchup', false, 'opponent tempo', 100, 100, 90, 115],
  [15, 'home_away', 'derived', false, 'venue', 0, 0, 0, 1],
  [16, 'back_to_back', 'derived', false, 'no rest', 0, 0, 0, 1],
  [17, 'playoff_game', 'derived', false, 'phase', 0, 0, 0, 1],
  [18, 'pct_paint', 'shot_zone', false, 'shot mix', 0, 'nan', 0, 1, 'NULL written as 0.0'],
  [19, 'pct_mid_range', 'shot_zone', false, 'shot mix', 0, 'nan', 0, 1],
  [20, 'pct_three', 'shot_zone', false, 'shot mix', 0, 'nan', 0, 1],
  [
    21,
    'pct_free_throw',
    'shot_zone',
    false,
    'FT reliance',
    0.15,
    20,
    0,
    0.5,
    'model default on the wrong scale, unused',
  ],
  [22, 'team_pace', 'team', false, 'own tempo', 100, 100, 90, 115],
  [23, 'team_off_rating', 'team', false, 'own offense', 112, 112, 90, 130],
  [24, 'team_win_pct', 'team', true, 'team strength', 0.5, 0.5, 0, 1],
  [25, 'vegas_points_line', 'vegas', true, 'market line', 0, 'nan', 0, 80, 'NULL written as 0.0'],
  [26, 'vegas_opening_line', 'vegas', false, 'opening line', 0, 'nan', 0, 80],
  [27, 'vegas_line_move', 'vegas', false, 'drift', 0, 'nan', -15, 15],
  [
    28,
    'has_vegas_line',
    'vegas',
    true,
    'line present',
    0,
    1,
    0,
    1,
    'model: 1.0 whenever a value was present, so a stored 0.0 counted as a line',
  ],
  [29, 'avg_points_vs_opponent', 'opponent_history', true, 'history vs opponent', 'season_avg', 'season_avg', 0, 70],
  [30, 'games_vs_opponent', 'opponent_history', false, 'sample size', 0, 0, 0, 100],
  [31, 'minutes_avg_last_10', 'minutes_ppm', false, 'role (30-day window)', 28, 25, 0, 48],
  [32, 'ppm_avg_last_10', 'minutes_ppm', true, 'efficiency (30-day window)', 0.4, 0.4, 0, 1.5],
  [
    33,
    'has_shot_zone_data',
    'shot_zone',
    false,
    'model input only: pct_paint, pct_mid_range, pct_three all present',
    null,
    0,
    0,
    1,
    'legacy serving never set it',
  ],
]

/** The 34 V8 model inputs in model order (store indexes 0–32, then has_shot_zone_data). */
export const FEATURE_CATALOG: readonly FeatureSpec[] = Object.freeze(
  ROWS.map(([index, name, family, isCritical, meaning, store, model, min, max, note]) =>
    Object.freeze({
      index,
      name,
      family,
      isCritical,
      meaning,
      legacyDefault: Object.freeze(note === undefined ? { store, model } : { store, model, note }),
      range: Object.freeze({ min, max }),
      isBinary: BINARY.has(name),
    }),
  ),
)

export const FEATURE_NAMES: readonly string[] = FEATURE_CATALOG.map((f) => f.name)
/** Model inputs of catboost_v8. */
export const V8_FEATURE_COUNT = 34

/** `critical_features` keys, exactly and in this order (the 7 critical features, then the row's quality score). */
export const CRITICAL_FEATURE_KEYS = [
  'vegas_points_line',
  'has_vegas_line',
  'ppm_avg_last_10',
  'avg_points_vs_opponent',
  'team_win_pct',
  'pace_score',
  'usage_spike_score',
  'feature_quality_score',
] as const

/** §3.2: feature_version → feature_count. */
export const FEATURE_VERSIONS = { v1_baseline_25: 25, v2_33features: 33, v2_37features: 37, v2_39features: 39 } as const
export type FeatureVersion = keyof typeof FEATURE_VERSIONS
/** Store-only features of v2_37features (store indexes 33–36); not model inputs and not store columns in the rebuild. */
export const V2_37_STORE_ONLY_FEATURES = ['dnp_rate', 'pts_slope_10g', 'pts_vs_season_zscore', 'breakout_flag'] as const

/** Labels of `feature_sources`, in feature order. */
export const FEATURE_SOURCE_LABELS = [
  'phase4',
  'phase3',
  'default',
  'calculated',
  'vegas',
  'missing',
  'opponent_history',
  'fallback',
  'minutes_ppm',
] as const
export type FeatureSourceLabel = (typeof FEATURE_SOURCE_LABELS)[number]

/** §3.3 legacy weights: phase4 100, phase3 87, calculated 100, default 40, and any other label 40. */
export const LEGACY_SOURCE_WEIGHTS: Readonly<Record<FeatureSourceLabel, number>> = {
  phase4: 100,
  phase3: 87,
  calculated: 100,
  default: 40,
  vegas: 40,
  missing: 40,
  opponent_history: 40,
  fallback: 40,
  minutes_ppm: 40,
}

/** §3.3 rebuild weights: a present value labelled vegas, opponent_history or minutes_ppm scores 100 (a versioned change: it shifts V8 confidence). */
export const SOURCE_WEIGHTS: Readonly<Record<FeatureSourceLabel, number>> = {
  phase4: 100,
  phase3: 87,
  calculated: 100,
  vegas: 100,
  opponent_history: 100,
  minutes_ppm: 100,
  default: 40,
  missing: 40,
  fallback: 40,
}

export type QualityTier = 'gold' | 'silver' | 'bronze' | 'poor' | 'unusable'

/** Tier by feature_quality_score (0–100), highest first: the first whose minimum the score reaches. */
export const QUALITY_TIERS: readonly { readonly tier: QualityTier; readonly minScore: number }[] = [
  { tier: 'gold', minScore: 95 },
  { tier: 'silver', minScore: 75 },
  { tier: 'bronze', minScore: 50 },
  { tier: 'poor', minScore: 25 },
  { tier: 'unusable', minScore: Number.NEGATIVE_INFINITY },
]

/** The high-quality view: score ≥ 85 and not early season. */
export const HIGH_QUALITY_MIN_SCORE = 85

/** data_source rules: shares (fractions) of features by source. */
export const DATA_SOURCE_RULES = { phase4MinShare: 0.9, phase4PartialMinShare: 0.5, phase3MinShare: 0.5 } as const
export type DataSource = 'phase4' | 'phase4_partial' | 'phase3' | 'mixed' | 'early_season' | 'unknown'

export function qualityTier(score: number): QualityTier {
  return (QUALITY_TIERS.find((t) => score >= t.minScore) ?? { tier: 'unusable' as const }).tier
}

/** Mean source weight over the features, rounded to 2 decimals (§3.3). */
export function qualityScore(
  labels: readonly FeatureSourceLabel[],
  weights: Readonly<Record<FeatureSourceLabel, number>> = SOURCE_WEIGHTS,
): number {
  if (labels.length === 0) return 0
  const total = labels.reduce((sum, label) => sum + weights[label], 0)
  return Math.round((total / labels.length) * 100) / 100
}

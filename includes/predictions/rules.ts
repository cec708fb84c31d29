/**
 * The prediction, grading and hit-rate rules of DOMAIN.md §5 as data: every threshold once, read
 * by the prediction and grading SQL, the assertions and the hit-rate report.
 */

/** The champion system this project predicts with. */
export const SYSTEM_ID = 'catboost_v8'

/** §5.2.1: predicted_points = clamp(raw, 0, 60). */
export const PREDICTION_RANGE = { min: 0, max: 60 } as const

/** §5.2.4: edge ≥ 1.0 → OVER, edge ≤ −1.0 → UNDER, otherwise PASS. */
export const RECOMMENDATION_EDGE = 1.0

/**
 * §5.2.8 quality gate: no model prediction below this feature_quality_score (0–100); 50–70 is
 * low quality (warning LOW_QUALITY_SCORE), ≥ 70 high.
 */
export const QUALITY_GATE = { minScore: 50, highScore: 70 } as const

/**
 * §5.2.8 "NULL/NaN in the 25 base features is rejected", applied to the base features that an
 * established player always has. The others among 0–24 are legitimately missing in the rebuild
 * (missing stays NULL, lesson 3) and reach the model as missing, exactly as in training:
 * usage_spike_score (its usage baseline is loaded for ≈ 55% of players, A-03c), pct_paint /
 * pct_mid_range / pct_three (no play-by-play; has_shot_zone_data says so), pct_free_throw and
 * team_win_pct (need 5 games), opponent / team ratings (need opponent history), and the
 * composite scores. A row missing a required feature gets no model prediction.
 */
export const REQUIRED_BASE_FEATURES = [
  'points_avg_last_5',
  'points_avg_last_10',
  'points_avg_season',
  'points_std_last_10',
] as const

/** §5.2.2: confidence = 75 + q + s (0–100), stored ÷ 100. */
export const CONFIDENCE = {
  base: 75,
  /** q by feature_quality_score, first match. */
  quality: [
    { min: 90, points: 10 },
    { min: 80, points: 7 },
    { min: 70, points: 5 },
  ] as const,
  qualityElse: 2,
  /** s by points_std_last_10, first match (std below the bound). */
  volatility: [
    { below: 4, points: 10 },
    { below: 6, points: 7 },
    { below: 8, points: 5 },
  ] as const,
  volatilityElse: 2,
  /** §5.2.5: a row without a model prediction. */
  fallback: 50,
} as const

/** §5.2.5 fallback prediction: 0.4·L5 + 0.35·L10 + 0.25·season (weights renormalised over the present terms). */
export const FALLBACK_WEIGHTS = [
  ['points_avg_last_5', 0.4],
  ['points_avg_last_10', 0.35],
  ['points_avg_season', 0.25],
] as const
/**
 * With none of the three present (bootstrap rows, a player's first games), the catalog's legacy
 * model default for points_avg_season, applied explicitly and flagged FALLBACK_USED.
 */
export const FALLBACK_DEFAULT_POINTS = 10

/** §5.2.7: is_actionable = FALSE, filter_reason 'confidence_tier_88_90' for 0.88 ≤ confidence < 0.90. */
export const CONFIDENCE_TIER_FILTER = { min: 0.88, max: 0.9, reason: 'confidence_tier_88_90' } as const
/** filter_reason of a row the quality gate kept from the model. */
export const QUALITY_GATE_REASON = 'quality_gate'

/** §4.2 line_source values. */
export const LINE_SOURCE = { actual: 'ACTUAL_PROP', none: 'NO_PROP_LINE', bootstrap: 'NEEDS_BOOTSTRAP' } as const

/** §5.3 gradable line sources; 20.0 marks a placeholder line and is never graded. */
export const GRADABLE_LINE_SOURCES = ['ACTUAL_PROP', 'ODDS_API', 'BETTINGPROS'] as const
export const PLACEHOLDER_LINE = 20.0

/** §5.3 void reasons by the injury status known at prediction time, else after the game. */
export const VOID_REASONS = {
  injury: 'dnp_injury_confirmed',
  lateScratch: 'dnp_late_scratch',
  unknown: 'dnp_unknown',
} as const
export const INJURY_STATUSES = ['OUT', 'DOUBTFUL', 'QUESTIONABLE', 'PROBABLE'] as const

/** §5.4 subsets. */
export const HIGH_EDGE = 5
export const PREMIUM = { minConfidence: 0.92, minEdge: 3 } as const
export const BREAK_EVEN_HIT_RATE = 0.524

/** §6 daily monitoring of catboost_v8 (fractions). */
export const HIT_RATE_MONITOR = {
  warnBelow: 0.55,
  errorBelow: 0.5,
  /** 3 consecutive game days below warnBelow stop predictions. */
  streakDays: 3,
  /**
   * A game day is judged only with at least this many graded picks (OVER/UNDER, no push or
   * void): a 1-game slate's rate swings by ±0.1 by chance (thresholds scale with the slate, lesson 16).
   */
  minPicks: 30,
} as const

/**
 * §7 A-01 thresholds. The mean-edge rule (A-01c) is judged on dates with at least `minRows` prop
 * rows: on a one-game playoff slate (12–17 props) a healthy model's mean edge swings past ±2.0
 * by chance (sd ≈ 0.8), while with 30+ rows it stays within ±1.2 on the sample (lesson 16).
 */
export const A01 = {
  maxDefaultPpmShare: 0.2,
  maxMeanEdge: 2.0,
  minRows: 30,
  warnPredictedAtLeast: 55,
  legacyPpmDefault: 0.4,
} as const
/** §7 A-13a: share of rows with a real line, per system and date. */
export const A13A = { warnBelow: 0.4, errorBelow: 0.2 } as const
/** §7 A-12b: graded rows / gradable rows, final games. */
export const A12B_MIN_COVERAGE = 0.95

/**
 * Leakage checks of ml_feature_store_v2 (DOMAIN §7.2 A-15, I-15: `<=` windows let the target game
 * in). A-15a recomputes the rolling averages with a different method from the store's (trailing
 * window functions over the box scores, then the last game strictly before D), so a shared bug
 * would have to be made twice.
 */
import { assertion, raw, sql } from '../src/index.js'

const FS = 'ml_feature_store_v2'
const TOLERANCE = 0.1
/** The whole table, said explicitly: BigQuery requires a partition filter on the store (require_partition_filter). */
const ALL_DATES = raw('game_date IS NOT NULL')

/**
 * A-15a: points_avg_last_5 / _last_10 equal the average of the 5 / 10 most recent played games before D (|diff| ≤ 0.1).
 * Box scores and store rows share one timeline per player; a store row sorts before the games of its own date, so the
 * last played row before it is the last game strictly before D (one window pass, no inequality join).
 */
export const featureStorePointsAvgNoLeak = assertion({
  name: 'feature_store_points_avg_no_leak',
  description: 'A-15a: points_avg_last_5/10 match a recomputation over games strictly before game_date',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: FS,
  query: (ctx) => sql`WITH played AS (
    SELECT player_lookup, game_date,
      AVG(points) OVER (PARTITION BY player_lookup ORDER BY game_date ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS avg_5,
      COUNT(*) OVER (PARTITION BY player_lookup ORDER BY game_date ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS games_5,
      AVG(points) OVER (PARTITION BY player_lookup ORDER BY game_date ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS avg_10
    FROM ${ctx.ref('player_game_summary')}
    WHERE points IS NOT NULL
  ),
  timeline AS (
    SELECT player_lookup, game_date, 0 AS is_target, avg_5, games_5, avg_10,
      ${ctx.fn.cast(raw('NULL'), 'FLOAT64')} AS points_avg_last_5, ${ctx.fn.cast(raw('NULL'), 'FLOAT64')} AS points_avg_last_10
    FROM played
    UNION ALL
    SELECT player_lookup, game_date, 1 AS is_target, NULL, NULL, NULL, points_avg_last_5, points_avg_last_10
    FROM ${ctx.ref(FS)} WHERE ${ALL_DATES} AND NOT early_season_flag
  ),
  last_played AS (
    SELECT game_date, player_lookup, is_target, points_avg_last_5, points_avg_last_10,
      LAST_VALUE(avg_5 IGNORE NULLS) OVER before_target AS last_avg_5,
      LAST_VALUE(games_5 IGNORE NULLS) OVER before_target AS last_games_5,
      LAST_VALUE(avg_10 IGNORE NULLS) OVER before_target AS expected_last_10
    FROM timeline
    WINDOW before_target AS (PARTITION BY player_lookup ORDER BY game_date, is_target DESC
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  ),
  expected AS (
    SELECT game_date, player_lookup, points_avg_last_5, points_avg_last_10, expected_last_10,
      CASE WHEN last_games_5 = 5 THEN last_avg_5 END AS expected_last_5
    FROM last_played WHERE is_target = 1
  )
SELECT game_date, player_lookup, points_avg_last_5, expected_last_5, points_avg_last_10, expected_last_10
FROM expected
WHERE (points_avg_last_5 IS NULL) <> (expected_last_5 IS NULL) OR ABS(points_avg_last_5 - expected_last_5) > ${TOLERANCE}
  OR (points_avg_last_10 IS NULL) <> (expected_last_10 IS NULL) OR ABS(points_avg_last_10 - expected_last_10) > ${TOLERANCE}`,
})

/** A-15b: every historical_completeness.contributing_game_dates element is before game_date. */
export const featureStoreContributingDatesBefore = assertion({
  name: 'feature_store_contributing_dates_before',
  description: 'A-15b: no contributing game date on or after the target date',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: FS,
  query: (ctx) => sql`SELECT f.game_date, f.player_lookup
FROM ${ctx.ref(FS)} f
WHERE f.${ALL_DATES} AND ${ctx.fn.arrayMax(sql`f.historical_completeness.contributing_game_dates`)} >= f.game_date`,
})

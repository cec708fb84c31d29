/**
 * ml_feature_store_v2 assertions that read other tables or the merged table as a whole (DOMAIN
 * §7.2). Each guards the feature store: a failure skips what reads it (predictions). The inline
 * checks in definitions/features/feature-store-assertions.ts audit each batch before it is merged.
 * Early-season rows withhold their features by design and are not judged.
 */
import { assertion, checks, raw, sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'
import { allLatestContextSql, ownTeamSql } from '../includes/assertion-sql.js'
import { propPlayersSql } from '../includes/lines.js'
import { seasonYearOf } from '../includes/sql-helpers.js'

const FS = 'ml_feature_store_v2'
/** The whole table, said explicitly: BigQuery requires a partition filter on the store (require_partition_filter). */
const ALL_DATES = raw('game_date IS NOT NULL')
/** A-05a's window, in game days. */
const WINDOW_GAME_DAYS = 14

/**
 * A-05a (I-5: back_to_back never 1): share(back_to_back = 1) within 0.05–0.35, over the regular-season
 * rows of the 14 game days ending on each date (a full window, ≥ 50 rows). Deviation from "per date",
 * on purpose: one date's share swings 0–60% with the schedule (healthy sample: half the dates fall
 * outside the band), while the incident was 0 for months; playoffs have no back-to-backs at all.
 */
export const featureStoreBackToBackShare = assertion({
  name: 'feature_store_back_to_back_share',
  description: 'A-05a: 5–35% of regular-season rows over 14 game days are back-to-backs',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: FS,
  query: (ctx) => sql`WITH daily AS (
    SELECT game_date, COUNT(*) AS day_rows, SUM(CASE WHEN back_to_back = 1 THEN 1 ELSE 0 END) AS day_back_to_backs
    FROM ${ctx.ref(FS)}
    WHERE ${ALL_DATES} AND NOT early_season_flag AND playoff_game = 0
    GROUP BY game_date
  ),
  windows AS (
    SELECT game_date,
      COUNT(*) OVER (ORDER BY game_date ROWS BETWEEN ${WINDOW_GAME_DAYS - 1} PRECEDING AND CURRENT ROW) AS game_days,
      SUM(day_rows) OVER (ORDER BY game_date ROWS BETWEEN ${WINDOW_GAME_DAYS - 1} PRECEDING AND CURRENT ROW) AS rows_checked,
      SUM(day_back_to_backs) OVER (ORDER BY game_date ROWS BETWEEN ${WINDOW_GAME_DAYS - 1} PRECEDING AND CURRENT ROW) AS back_to_backs
    FROM daily
  )
SELECT game_date, game_days, rows_checked, back_to_back_share
FROM (SELECT w.*, ${ctx.fn.safeDivide(sql`back_to_backs`, sql`rows_checked`)} AS back_to_back_share FROM windows w) AS shares
WHERE game_days = ${WINDOW_GAME_DAYS} AND rows_checked >= 50 AND (back_to_back_share < 0.05 OR back_to_back_share > 0.35)`,
})

/** A-05b: back_to_back = IF(days_rest = 1, 1, 0) against the (newest) context row, on every row. */
export const featureStoreBackToBackMatchesContext = assertion({
  name: 'feature_store_back_to_back_matches_context',
  description: 'A-05b: back_to_back agrees with upcoming_player_game_context.days_rest',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: FS,
  query: (ctx) => sql`SELECT f.game_date, f.player_lookup, f.back_to_back, c.days_rest
FROM ${ctx.ref(FS)} f
JOIN (${allLatestContextSql(ctx)}) AS c ON c.player_lookup = f.player_lookup AND c.game_date = f.game_date
WHERE f.${ALL_DATES} AND NOT f.early_season_flag AND f.back_to_back IS DISTINCT FROM (CASE WHEN c.days_rest = 1 THEN 1.0 ELSE 0.0 END)`,
})

/**
 * A-06b (I-6: team_win_pct stuck at 0.5): among rows whose team has played > 10 games this season,
 * share(team_win_pct = 0.5) ≤ 0.20, judged over the date and the 6 game dates before it, so that honest
 * .500 teams on a thin slate do not fail it. A date on which 6+ such teams play and more than 90% of the
 * rows sit at 0.5 fails on its own: the legacy bug (99.8% of rows) is then caught on its first day.
 */
export const featureStoreTeamWinPctNotDefault = assertion({
  name: 'feature_store_team_win_pct_not_default',
  description:
    'A-06b: at most 20% of rows of teams with 10+ games sit at exactly 0.5 over 7 game dates (90% on one date of 6+ teams)',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: FS,
  query: (ctx) => sql`WITH fs_rows AS (
    SELECT f.game_date, f.team_win_pct, ${ownTeamSql(ctx, 'f')} AS team_abbr
    FROM ${ctx.ref(FS)} f
    WHERE f.${ALL_DATES} AND NOT f.early_season_flag
  ),
  team_games AS (
    SELECT k.game_date, k.team_abbr, COUNT(*) AS season_games
    FROM (SELECT DISTINCT game_date, team_abbr FROM fs_rows) AS k
    JOIN ${ctx.ref('team_offense_game_summary')} t ON t.team_abbr = k.team_abbr AND t.game_date < k.game_date
      AND ${seasonYearOf(sql`t.game_date`)} = ${seasonYearOf(sql`k.game_date`)}
    GROUP BY k.game_date, k.team_abbr
  ),
  daily AS (
    SELECT r.game_date, COUNT(*) AS rows_checked, COUNT(DISTINCT r.team_abbr) AS teams_checked,
      SUM(CASE WHEN r.team_win_pct = 0.5 THEN 1 ELSE 0 END) AS rows_at_half
    FROM fs_rows r
    JOIN team_games g ON g.game_date = r.game_date AND g.team_abbr = r.team_abbr
    WHERE g.season_games > 10
    GROUP BY r.game_date
  ),
  -- Judged over the date and the 6 game dates before it: on a 4-game slate two honest 6-6 teams are
  -- already 25% of the rows, while the legacy bug (I-6) put 99.8% of rows at 0.5 on every date.
  recent_dates AS (
    SELECT game_date, rows_checked, teams_checked, rows_at_half,
      SUM(rows_checked) OVER (ORDER BY game_date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS window_rows,
      SUM(rows_at_half) OVER (ORDER BY game_date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS window_at_half
    FROM daily
  )
SELECT game_date, rows_checked, rows_at_half * 1.0 / rows_checked AS date_share_at_half,
  window_rows, window_at_half * 1.0 / window_rows AS share_at_half
FROM recent_dates
WHERE window_at_half * 1.0 / window_rows > 0.20 OR (teams_checked >= 6 AND rows_at_half * 1.0 / rows_checked > 0.90)`,
})

/** A-07a (mean, I-7: zeroed fatigue): AVG(fatigue_score) ≥ 50 per date. */
export const featureStoreFatigueMean = assertion({
  name: 'feature_store_fatigue_mean',
  description: 'A-07a: AVG(fatigue_score) ≥ 50 per date',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: FS,
  query: (ctx) => sql`SELECT game_date, rows_checked, mean_fatigue_score
FROM (
  SELECT game_date, COUNT(*) AS rows_checked, AVG(fatigue_score) AS mean_fatigue_score
  FROM ${ctx.ref(FS)}
  WHERE ${ALL_DATES} AND NOT early_season_flag
  GROUP BY game_date
) AS daily
WHERE mean_fatigue_score < 50`,
})

/** Vegas coverage among players with a prop, over the 7 days ending on each date (A-08a). */
function vegasCoverageSql(ctx: ActionContext, below: number): SqlFragment {
  return sql`WITH prop_rows AS (
    SELECT f.game_date, f.vegas_points_line
    FROM ${ctx.ref(FS)} f
    JOIN (${propPlayersSql(ctx, (column) => sql`${raw(column)} IS NOT NULL`)}) AS p
      ON p.player_lookup = f.player_lookup AND p.game_date = f.game_date
    WHERE f.${ALL_DATES} AND NOT f.early_season_flag
  ),
  windows AS (
    SELECT d.game_date, COUNT(*) AS prop_rows_7_days, AVG(CASE WHEN r.vegas_points_line IS NOT NULL THEN 1.0 ELSE 0.0 END) AS share_with_vegas_line
    FROM (SELECT DISTINCT game_date FROM prop_rows) AS d
    JOIN prop_rows r ON r.game_date <= d.game_date AND r.game_date >= ${ctx.fn.dateAddDays(sql`d.game_date`, -6)}
    GROUP BY d.game_date
  )
SELECT game_date, prop_rows_7_days, share_with_vegas_line FROM windows WHERE share_with_vegas_line < ${below}`
}

/** A-08a (I-8, I-13): among players with a prop, the share with a Vegas line over 7 days: < 0.50 is an error. */
export const featureStoreVegasCoverage = assertion({
  name: 'feature_store_vegas_coverage',
  monitor: true,
  observe: { column: 'share_with_vegas_line', label: 'Vegas line share (7 days)', op: '<', threshold: 0.5 },
  description: 'A-08a: at least 50% of prop players have vegas_points_line (7 days)',
  severity: 'error',
  partitionColumn: 'game_date',
  guards: FS,
  query: (ctx) => vegasCoverageSql(ctx, 0.5),
})

/** A-08a warn: below 0.80. */
export const featureStoreVegasCoverageLow = assertion({
  name: 'feature_store_vegas_coverage_low',
  monitor: true,
  observe: { column: 'share_with_vegas_line', label: 'Vegas line share (7 days)', op: '<', threshold: 0.8 },
  description: 'A-08a: at least 80% of prop players have vegas_points_line (7 days)',
  severity: 'warn',
  partitionColumn: 'game_date',
  guards: FS,
  query: (ctx) => vegasCoverageSql(ctx, 0.8),
})

/** A-14a (I-14: mixed versions after a partial backfill): one feature_version per date in the merged table. */
export const featureStoreOneVersion = assertion({
  name: 'feature_store_one_version',
  description: 'A-14a: exactly one feature_version per game_date',
  target: FS,
  checks: [checks.distinctCount({ column: 'feature_version', min: 1, max: 1, name: 'one_feature_version' })],
})

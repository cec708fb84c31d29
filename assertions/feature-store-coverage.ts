/**
 * A-08c (I-8: Vegas coverage fell from 99.4% to 43% over a season while nobody compared): the share
 * of prop players with a Vegas line over the 7 days ending on each date, against the same 7 days of
 * the previous season (52 weeks earlier, same weekdays). A drop of more than 0.20 warns. Judged where
 * both windows hold 50+ prop rows (the first season has no previous one). Healthy sample: 0.99 in
 * both seasons (drop ≈ 0, seeds 7, 42, 2026).
 */
import { assertion, raw, sql } from '../src/index.js'
import { propPlayersSql } from '../includes/lines.js'

const FS = 'ml_feature_store_v2'
/** 52 weeks: the same weekdays a season earlier. */
const SEASON_AGO_DAYS = 364
const MAX_DROP = 0.2

export const featureStoreVegasCoverageDrop = assertion({
  name: 'feature_store_vegas_coverage_drop',
  monitor: true,
  observe: {
    column: 'coverage_drop',
    label: 'Vegas line share drop vs last season (7 days)',
    op: '>',
    threshold: MAX_DROP,
  },
  description: 'A-08c: the 7-day share of prop players with a Vegas line is within 0.20 of the same weeks last season',
  severity: 'warn',
  partitionColumn: 'game_date',
  guards: FS,
  query: (ctx) => {
    const d = sql`d.game_date`
    const thisWeek = sql`r.game_date <= ${d} AND r.game_date >= ${ctx.fn.dateAddDays(d, -6)}`
    const lastSeason = sql`r.game_date <= ${ctx.fn.dateAddDays(d, -SEASON_AGO_DAYS)} AND r.game_date >= ${ctx.fn.dateAddDays(d, -SEASON_AGO_DAYS - 6)}`
    return sql`WITH prop_rows AS (
    SELECT f.game_date, CASE WHEN f.vegas_points_line IS NOT NULL THEN 1.0 ELSE 0.0 END AS has_line
    FROM ${ctx.ref(FS)} f
    JOIN (${propPlayersSql(ctx, (column) => sql`${raw(column)} IS NOT NULL`)}) AS p
      ON p.player_lookup = f.player_lookup AND p.game_date = f.game_date
    WHERE f.game_date IS NOT NULL AND NOT f.early_season_flag
  ),
  windows AS (
    SELECT d.game_date,
      SUM(CASE WHEN ${thisWeek} THEN 1 ELSE 0 END) AS prop_rows_7_days,
      AVG(CASE WHEN ${thisWeek} THEN r.has_line END) AS share_with_vegas_line,
      SUM(CASE WHEN ${lastSeason} THEN 1 ELSE 0 END) AS prop_rows_last_season,
      AVG(CASE WHEN ${lastSeason} THEN r.has_line END) AS share_last_season
    FROM (SELECT DISTINCT game_date FROM prop_rows) AS d
    JOIN prop_rows r ON (${thisWeek}) OR (${lastSeason})
    GROUP BY d.game_date
  )
SELECT game_date, share_with_vegas_line, share_last_season, share_last_season - share_with_vegas_line AS coverage_drop
FROM windows
WHERE prop_rows_7_days >= 50 AND prop_rows_last_season >= 50 AND share_last_season - share_with_vegas_line > ${MAX_DROP}`
  },
})

/**
 * Daily catboost_v8 hit-rate monitoring (DOMAIN §6) over current graded rows, per game day with
 * enough picks to judge (HIT_RATE_MONITOR.minPicks): below 0.55 warns, below 0.50 is an error,
 * and 3 consecutive judged game days below 0.55 is an error (the rule that stops predictions).
 * The hit rate is the §5.4 one (includes/predictions/hit-rate-sql.ts).
 */
import { assertion, raw, sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'
import { hitRate, picks } from '../includes/predictions/hit-rate-sql.js'
import { HIT_RATE_MONITOR, SYSTEM_ID } from '../includes/predictions/rules.js'

const PA = 'prediction_accuracy'

/** Judged game days: game_date, picks, hit_rate. */
function dailyHitRate(ctx: ActionContext): SqlFragment {
  return sql`SELECT a.game_date, ${picks(ctx, 'a')} AS picks, ${hitRate(ctx, 'a')} AS hit_rate
    FROM ${ctx.ref(PA)} AS a
    WHERE a.game_date IS NOT NULL AND a.system_id = ${SYSTEM_ID} AND a.is_superseded_prediction = FALSE
    GROUP BY a.game_date
    HAVING ${picks(ctx, 'a')} >= ${raw(String(HIT_RATE_MONITOR.minPicks))}`
}

export const dailyHitRateWarn = assertion({
  name: 'catboost_v8_daily_hit_rate_warn',
  monitor: true,
  observe: { column: 'hit_rate', label: 'hit rate', op: '<', threshold: HIT_RATE_MONITOR.warnBelow },
  description: `daily catboost_v8 hit rate below ${HIT_RATE_MONITOR.warnBelow} (game days with >= ${HIT_RATE_MONITOR.minPicks} picks)`,
  severity: 'warn',
  partitionColumn: 'game_date',
  guards: PA,
  query: (ctx) =>
    sql`SELECT * FROM (${dailyHitRate(ctx)}) AS d WHERE d.hit_rate < ${raw(String(HIT_RATE_MONITOR.warnBelow))}`,
})

export const dailyHitRateFloor = assertion({
  name: 'catboost_v8_daily_hit_rate_floor',
  monitor: true,
  observe: { column: 'hit_rate', label: 'hit rate', op: '<', threshold: HIT_RATE_MONITOR.errorBelow },
  description: `daily catboost_v8 hit rate below the ${HIT_RATE_MONITOR.errorBelow} floor (game days with >= ${HIT_RATE_MONITOR.minPicks} picks)`,
  partitionColumn: 'game_date',
  guards: PA,
  query: (ctx) =>
    sql`SELECT * FROM (${dailyHitRate(ctx)}) AS d WHERE d.hit_rate < ${raw(String(HIT_RATE_MONITOR.errorBelow))}`,
})

/** The last day of each run of 3 consecutive judged game days below 0.55. */
export const hitRateStreak = assertion({
  name: 'catboost_v8_hit_rate_streak',
  monitor: true,
  observe: {
    column: 'days_below',
    label: `game days below ${HIT_RATE_MONITOR.warnBelow} in the last ${HIT_RATE_MONITOR.streakDays}`,
    op: '>=',
    threshold: HIT_RATE_MONITOR.streakDays,
  },
  description: `${HIT_RATE_MONITOR.streakDays} consecutive game days with catboost_v8 hit rate below ${HIT_RATE_MONITOR.warnBelow}: stop predictions`,
  partitionColumn: 'game_date',
  guards: PA,
  query: (ctx) => {
    const below = `CASE WHEN d.hit_rate < ${HIT_RATE_MONITOR.warnBelow} THEN 1 ELSE 0 END`
    return sql`SELECT game_date, hit_rate, days_below FROM (
      SELECT d.game_date, d.hit_rate,
        SUM(${raw(below)}) OVER (ORDER BY d.game_date ROWS BETWEEN ${raw(String(HIT_RATE_MONITOR.streakDays - 1))} PRECEDING AND CURRENT ROW) AS days_below
      FROM (${dailyHitRate(ctx)}) AS d
    ) AS w WHERE w.days_below >= ${raw(String(HIT_RATE_MONITOR.streakDays))}`
  },
})

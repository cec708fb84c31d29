/**
 * The four composite scores of DOMAIN §3.1 (#5–#8), as SQL over named inputs. Missing inputs stay
 * NULL (rebuild rule), except fatigue: it starts at 100 and only known conditions move it.
 */
import { raw, sql } from '../../src/index.js'
import type { ActionContext, SqlFragment } from '../../src/index.js'
import { asNumeric } from '../../includes/sql-helpers.js'

/** Fatigue adjustments, in the order of the formula; each is an integer (0 when its condition is unknown). */
export const FATIGUE_ADJUSTMENTS = {
  rest_adjustment: 'CASE WHEN days_rest = 1 THEN -15 WHEN days_rest >= 3 THEN 5 ELSE 0 END',
  load_adjustment: 'CASE WHEN games_last_7_days >= 4 THEN -10 ELSE 0 END',
  minutes_adjustment: 'CASE WHEN minutes_last_7_days > 240 THEN -10 ELSE 0 END',
  minutes_per_game_adjustment: 'CASE WHEN minutes_per_game_last_7_days > 35 THEN -8 ELSE 0 END',
  back_to_back_adjustment:
    'CASE WHEN back_to_backs_last_14_days >= 2 THEN -12 WHEN back_to_backs_last_14_days = 1 THEN -5 ELSE 0 END',
  age_adjustment: 'CASE WHEN age >= 35 THEN -10 WHEN age >= 30 THEN -5 ELSE 0 END',
} as const

/**
 * fatigue_score (#5): 100 plus the adjustments, clamped to 0–100, over a relation with columns
 * days_rest, games_last_7_days, minutes_last_7_days, minutes_per_game_last_7_days,
 * back_to_backs_last_14_days and age (windows D−7..D−1 and D−14..D−1, as games_in_last_7_days).
 */
export function fatigueScoreSql(ctx: ActionContext): SqlFragment {
  const total = Object.values(FATIGUE_ADJUSTMENTS)
    .map((a) => `(${a})`)
    .join(' + ')
  return ctx.fn.cast(ctx.fn.clamp(sql`100 + ${raw(total)}`, 0, 100), 'INT64')
}

/** fatigue_context_json: the score's inputs and adjustments; `final_score` is the stored score. */
export function fatigueContextSql(ctx: ActionContext, finalScore: SqlFragment): SqlFragment {
  return ctx.fn.jsonObject([
    ['final_score', finalScore],
    ['base_score', sql`100`],
    ['days_rest', sql`days_rest`],
    ['games_last_7_days', sql`games_last_7_days`],
    ['minutes_last_7_days', sql`minutes_last_7_days`],
    ['minutes_per_game_last_7_days', sql`minutes_per_game_last_7_days`],
    ['back_to_backs_last_14_days', sql`back_to_backs_last_14_days`],
    ['age', sql`age`],
    ...Object.entries(FATIGUE_ADJUSTMENTS).map(([name, expression]) => [name, sql`${raw(expression)}`] as const),
  ])
}

/** pace_score (#7): clamp(pace_differential / 2, −3, 3), pace_differential = team − opponent pace (last 10 each). NUMERIC(3,1). */
export function paceScoreSql(ctx: ActionContext, paceDifferential: SqlFragment): SqlFragment {
  return asNumeric(ctx, ctx.fn.clamp(sql`(${paceDifferential}) / 2`, -3, 3), 3, 1)
}

/**
 * usage_spike_score (#8): clamp(0.3 × (projected − avg_last_7) × boost, −3, 3); projected NULL → 25.0;
 * boost 1.15 with one star teammate out, 1.30 with two or more, only when the difference is positive.
 * A NULL avg_last_7 baseline stays NULL (legacy: 25.0 → 0). NUMERIC(3,1).
 */
export function usageSpikeScoreSql(
  ctx: ActionContext,
  inputs: { projected: SqlFragment; baseline: SqlFragment; starsOut: SqlFragment },
): SqlFragment {
  const diff = sql`(0.3 * (COALESCE(${inputs.projected}, 25.0) - ${inputs.baseline}))`
  const boost = sql`(CASE WHEN ${diff} > 0 AND ${inputs.starsOut} >= 2 THEN 1.30 WHEN ${diff} > 0 AND ${inputs.starsOut} = 1 THEN 1.15 ELSE 1.0 END)`
  return asNumeric(ctx, ctx.fn.clamp(sql`${diff} * ${boost}`, -3, 3), 3, 1)
}

/**
 * shot_zone_mismatch_score (#6): x = (opponent zone defense − league average) in the player's primary
 * zone × min(zone_rate / 50, 1); × 1.2 if |x| > 5; clamp ±10. NULL when either side is missing. NUMERIC(4,1).
 */
export function shotZoneMismatchSql(
  ctx: ActionContext,
  inputs: { vsLeague: SqlFragment; zoneRate: SqlFragment },
): SqlFragment {
  const x = sql`(${inputs.vsLeague} * (CASE WHEN ${inputs.zoneRate} / 50 < 1 THEN ${inputs.zoneRate} / 50 ELSE 1 END))`
  const boosted = sql`(CASE WHEN ABS(${x}) > 5 THEN ${x} * 1.2 ELSE ${x} END)`
  return asNumeric(ctx, ctx.fn.clamp(boosted, -10, 10), 4, 1)
}

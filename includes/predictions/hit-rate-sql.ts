/**
 * The hit-rate metrics of DOMAIN §5.3–§5.4, written once for the report and the monitoring
 * assertions. hit_rate = COUNTIF(prediction_correct) / COUNTIF(prediction_correct IS NOT NULL):
 * PASS, HOLD, NO_LINE, pushes and voids are excluded (their prediction_correct is NULL). The
 * deflated COUNTIF(correct) / COUNT(*) is never used.
 */
import { raw, sql } from '../../src/index.js'
import type { ActionContext, SqlFragment, SqlFunctions } from '../../src/index.js'
import { HIGH_EDGE, PREMIUM } from './rules.js'

type Fn = Pick<ActionContext, 'fn'> | { readonly fn: SqlFunctions }

/** The unsigned edge of a graded row of alias `a` (§1.3: subsets use ABS(predicted − line)). */
export function unsignedEdge(a: string): SqlFragment {
  return raw(`ABS(${a}.predicted_points - ${a}.line_value)`)
}

/** COUNTIF(correct AND scope) / COUNTIF(correct IS NOT NULL AND scope), NULL without picks. */
export function hitRate(ctx: Fn, a: string, scope?: SqlFragment): SqlFragment {
  const within = (condition: SqlFragment) => (scope ? sql`(${condition}) AND (${scope})` : condition)
  const picks = ctx.fn.countIf(within(raw(`${a}.prediction_correct IS NOT NULL`)))
  return ctx.fn.safeDivide(
    ctx.fn.cast(ctx.fn.countIf(within(raw(`${a}.prediction_correct`))), 'FLOAT64'),
    ctx.fn.cast(picks, 'FLOAT64'),
  )
}

/** Picks (graded OVER/UNDER with an outcome) in scope. */
export function picks(ctx: Fn, a: string, scope?: SqlFragment): SqlFragment {
  return ctx.fn.countIf(
    scope ? sql`${raw(a)}.prediction_correct IS NOT NULL AND (${scope})` : raw(`${a}.prediction_correct IS NOT NULL`),
  )
}

export function highEdge(a: string): SqlFragment {
  return sql`${unsignedEdge(a)} >= ${raw(String(HIGH_EDGE))}`
}

export function premium(a: string): SqlFragment {
  return sql`${raw(a)}.confidence_score >= ${raw(String(PREMIUM.minConfidence))} AND ${unsignedEdge(a)} >= ${raw(String(PREMIUM.minEdge))}`
}

/** Every metric of the report, as `<expression> AS <name>` over graded rows of alias `a`. */
export function hitRateMetrics(ctx: Fn, a: string): SqlFragment {
  const float = (x: SqlFragment) => ctx.fn.cast(x, 'FLOAT64')
  const mae = sql`AVG(${float(raw(`${a}.absolute_error`))})`
  const vegasMae = sql`AVG(${float(raw(`ABS(${a}.line_value - ${a}.actual_points)`))})`
  const withActual = raw(`${a}.actual_points IS NOT NULL`)
  return sql`COUNT(*) AS graded,
    ${picks(ctx, a)} AS picks,
    ${ctx.fn.countIf(raw(`${a}.prediction_correct`))} AS hits,
    ${hitRate(ctx, a)} AS hit_rate,
    ${picks(ctx, a, highEdge(a))} AS high_edge_picks,
    ${hitRate(ctx, a, highEdge(a))} AS high_edge_hit_rate,
    ${picks(ctx, a, premium(a))} AS premium_picks,
    ${hitRate(ctx, a, premium(a))} AS premium_hit_rate,
    ${mae} AS mae,
    ${vegasMae} AS vegas_mae,
    ${vegasMae} - ${mae} AS edge_vs_vegas,
    ${ctx.fn.safeDivide(float(ctx.fn.countIf(raw(`ABS(${a}.predicted_points - ${a}.actual_points) < ABS(${a}.line_value - ${a}.actual_points)`))), float(ctx.fn.countIf(withActual)))} AS share_beats_vegas,
    ${ctx.fn.countIf(raw(`${a}.is_voided`))} AS voids,
    ${ctx.fn.countIf(raw(`${a}.actual_points = ${a}.line_value`))} AS pushes`
}

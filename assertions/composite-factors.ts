/**
 * player_composite_factors assertions that need more than a built-in (DOMAIN §7.2 A-07).
 * The inline checks of definitions/precompute/player-composite-factors.ts cover ranges,
 * zero shares and constancy.
 */
import { assertion, sql } from '../src/index.js'

/** A-07b (I-7: the −5..0 adjustment stored as the score): fatigue_score = fatigue_context_json.final_score on every row. */
export const compositeFatigueMatchesContext = assertion({
  name: 'composite_fatigue_matches_context',
  description: 'A-07b: fatigue_score equals fatigue_context_json.final_score',
  severity: 'error',
  partitionColumn: 'game_date',
  query: (
    ctx,
  ) => sql`SELECT game_date, player_lookup, fatigue_score, ${ctx.fn.jsonValue(sql`fatigue_context_json`, '$.final_score')} AS context_final_score
FROM ${ctx.ref('player_composite_factors')}
WHERE fatigue_score IS DISTINCT FROM ${ctx.fn.safeCast(ctx.fn.jsonValue(sql`fatigue_context_json`, '$.final_score'), 'INT64')}`,
})

/** A-07a (mean): a rested league averages ≥ 50 (healthy 90–100); bootstrap days are not judged. */
export const compositeFatigueMean = assertion({
  name: 'composite_fatigue_mean',
  description: 'A-07a: AVG(fatigue_score) ≥ 50 per date',
  severity: 'error',
  partitionColumn: 'game_date',
  query: (ctx) => sql`SELECT game_date, rows_checked, mean_fatigue_score
FROM (
  SELECT game_date, COUNT(*) AS rows_checked, AVG(fatigue_score) AS mean_fatigue_score
  FROM ${ctx.ref('player_composite_factors')}
  WHERE NOT early_season_flag
  GROUP BY game_date
) AS daily
WHERE mean_fatigue_score < 50`,
})

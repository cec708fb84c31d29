/**
 * Prediction assertions of DOMAIN §7 that need the whole table or another table (the per-row ones
 * run inline on the staged rows, before publish: definitions/predictions/prediction-action.ts). Each
 * selects offending rows, per game_date; they run right after player_prop_predictions is written
 * and, on an error, block what reads it (grading).
 *
 * Scope note (BigQuery): the tables require a partition filter; `game_date IS NOT NULL` makes the
 * whole-history scan explicit.
 */
import { assertion, raw, sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'
import { CRITICAL_FEATURE_KEYS } from '../includes/feature-catalog.js'
import { A01, A13A, GRADABLE_LINE_SOURCES, LINE_SOURCE, SYSTEM_ID } from '../includes/predictions/rules.js'

const PPP = 'player_prop_predictions'
const list = (values: readonly string[]) => raw(values.map((v) => `'${v}'`).join(', '))

/** A critical feature as fed, from the row's JSON, as FLOAT64. */
function fed(ctx: ActionContext, alias: string, key: string): SqlFragment {
  return ctx.fn.cast(ctx.fn.jsonValue(raw(`${alias}.critical_features`), `$.${key}`), 'FLOAT64')
}

/** Active catboost_v8 rows priced against a real prop (A-01's scope). */
function withProp(ctx: ActionContext): SqlFragment {
  return sql`SELECT * FROM ${ctx.ref(PPP)}
    WHERE game_date IS NOT NULL AND is_active AND system_id = ${SYSTEM_ID} AND line_source = ${LINE_SOURCE.actual}`
}

/** A-01b: the PPM input reached the model on its legacy default (0.4) or missing, for more than 20% of the rows. */
export const a01bPpmDefaults = assertion({
  name: 'a01b_ppm_fed_real',
  description: 'A-01b: share of catboost_v8 prop rows fed ppm_avg_last_10 NULL or 0.4 (the legacy default) <= 0.20',
  partitionColumn: 'game_date',
  guards: PPP,
  query: (ctx) => {
    const ppm = fed(ctx, 'p', 'ppm_avg_last_10')
    const share = ctx.fn.safeDivide(
      ctx.fn.cast(ctx.fn.countIf(sql`${ppm} IS NULL OR ${ppm} = ${raw(String(A01.legacyPpmDefault))}`), 'FLOAT64'),
      ctx.fn.cast(sql`COUNT(*)`, 'FLOAT64'),
    )
    return sql`SELECT game_date, COUNT(*) AS rows_in_scope, ${share} AS default_ppm_share
      FROM (${withProp(ctx)}) AS p GROUP BY game_date HAVING ${share} > ${raw(String(A01.maxDefaultPpmShare))}`
  },
})

/** A-01c: predictions run away from the market: the mean of (predicted − line) leaves ±2.0. */
export const a01cMeanEdge = assertion({
  name: 'a01c_mean_edge_within_2',
  description: `A-01c: AVG(predicted_points - current_points_line) of catboost_v8 prop rows within +-2.0 (dates with >= ${A01.minRows} prop rows)`,
  partitionColumn: 'game_date',
  guards: PPP,
  query: (
    ctx,
  ) => sql`SELECT game_date, COUNT(*) AS rows_in_scope, AVG(predicted_points - current_points_line) AS mean_edge
    FROM (${withProp(ctx)}) AS p GROUP BY game_date
    HAVING COUNT(*) >= ${raw(String(A01.minRows))} AND ABS(AVG(predicted_points - current_points_line)) > ${raw(A01.maxMeanEdge.toFixed(1))}`,
})

/** A-01e: every critical feature recorded (= fed) equals the feature store's value (NULL = NULL, tol 1e-6). */
export const a01eCriticalFeaturesMatchStore = assertion({
  name: 'a01e_critical_features_match_store',
  description:
    'A-01e: critical_features of active catboost_v8 rows equal the feature store row (NULL = NULL, tolerance 1e-6)',
  partitionColumn: 'game_date',
  guards: PPP,
  query: (ctx) => {
    // Each key is read from the JSON once, in the inner SELECT: comparing in place parses the JSON twice per key.
    const fedColumns = CRITICAL_FEATURE_KEYS.map((key) => sql`${fed(ctx, 'p', key)} AS ${raw(`fed_${key}`)}`)
    const differs = CRITICAL_FEATURE_KEYS.map((key) => {
      const stored = ctx.fn.cast(raw(`f.${key}`), 'FLOAT64')
      const value = raw(`p.fed_${key}`)
      return sql`CASE WHEN (${value} IS NULL) <> (${stored} IS NULL) OR ABS(${value} - ${stored}) > 0.000001 THEN ${key} END`
    })
    return sql`SELECT * FROM (
      SELECT p.game_date, p.player_lookup, p.prediction_id,
        ${ctx.fn.cast(sql`COALESCE(${differs.reduce((a, b) => sql`${a}, ${b}`)})`, 'STRING')} AS first_mismatch
      FROM (
        SELECT p.game_date, p.player_lookup, p.prediction_id, ${fedColumns.reduce((a, b) => sql`${a}, ${b}`)}
        FROM ${ctx.ref(PPP)} AS p
        WHERE p.game_date IS NOT NULL AND p.is_active AND p.system_id = ${SYSTEM_ID}
      ) AS p
      LEFT JOIN ${ctx.ref('ml_feature_store_v2')} AS f ON f.player_lookup = p.player_lookup AND f.game_date = p.game_date AND f.game_date IS NOT NULL
    ) AS compared WHERE first_mismatch IS NOT NULL`
  },
})

/** A-02b: one build per (game_date, system) among active rows, never NULL or 'unknown'. */
export const a02bOneBuildPerDate = assertion({
  name: 'a02b_one_build_per_date',
  description: "A-02b: active rows of a (game_date, system_id) share one build_commit_sha, never NULL or 'unknown'",
  partitionColumn: 'game_date',
  guards: PPP,
  query: (ctx) => sql`SELECT game_date, system_id, COUNT(DISTINCT build_commit_sha) AS builds,
      ${ctx.fn.countIf(sql`build_commit_sha IS NULL OR build_commit_sha IN ('', 'unknown')`)} AS missing_builds
    FROM ${ctx.ref(PPP)} WHERE game_date IS NOT NULL AND is_active
    GROUP BY game_date, system_id
    HAVING COUNT(DISTINCT build_commit_sha) <> 1 OR ${ctx.fn.countIf(sql`build_commit_sha IS NULL OR build_commit_sha IN ('', 'unknown')`)} > 0`,
})

/** Every active row names the code that wrote it. */
export const buildShaOnActiveRows = assertion({
  name: 'predictions_build_commit_sha_present',
  description: "build_commit_sha present on every active prediction (not NULL, not empty, not 'unknown')",
  partitionColumn: 'game_date',
  guards: PPP,
  query: (ctx) => sql`SELECT game_date, prediction_id, player_lookup, build_commit_sha FROM ${ctx.ref(PPP)}
    WHERE game_date IS NOT NULL AND is_active AND (build_commit_sha IS NULL OR build_commit_sha IN ('', 'unknown'))`,
})

/** A-12a: exactly one active row per (game_id, player_lookup, system_id) that has rows. */
export const a12aOneActivePerKey = assertion({
  name: 'a12a_one_active_row_per_key',
  description: 'A-12a: exactly one is_active row per (game_id, player_lookup, system_id)',
  partitionColumn: 'game_date',
  guards: PPP,
  query: (
    ctx,
  ) => sql`SELECT MIN(game_date) AS game_date, game_id, player_lookup, system_id, ${ctx.fn.countIf(sql`is_active`)} AS active_rows
    FROM ${ctx.ref(PPP)} WHERE game_date IS NOT NULL
    GROUP BY game_id, player_lookup, system_id HAVING ${ctx.fn.countIf(sql`is_active`)} <> 1`,
})

function lineShare(ctx: ActionContext, below: number): SqlFragment {
  const real = sql`current_points_line IS NOT NULL AND line_source IN (${list(GRADABLE_LINE_SOURCES)})`
  const share = ctx.fn.safeDivide(ctx.fn.cast(ctx.fn.countIf(real), 'FLOAT64'), ctx.fn.cast(sql`COUNT(*)`, 'FLOAT64'))
  // Bootstrap rows are predicted without a model (NEEDS_BOOTSTRAP); the share is judged on the rest.
  return sql`SELECT game_date, system_id, COUNT(*) AS active_rows, ${share} AS share_with_line
    FROM ${ctx.ref(PPP)} WHERE game_date IS NOT NULL AND is_active AND NOT COALESCE(early_season_flag, FALSE)
    GROUP BY game_date, system_id HAVING ${share} < ${raw(String(below))}`
}

/** A-13a: predictions without real lines (I-13: odds not scraped or not joined). */
export const a13aLineCoverageWarn = assertion({
  name: 'a13a_line_coverage_warn',
  monitor: true,
  observe: { column: 'share_with_line', label: 'share with a real line', op: '<', threshold: A13A.warnBelow },
  description: 'A-13a: share of active rows with a real line, per date and system, below 0.40 (warn)',
  severity: 'warn',
  partitionColumn: 'game_date',
  guards: PPP,
  query: (ctx) => lineShare(ctx, A13A.warnBelow),
})

export const a13aLineCoverageError = assertion({
  name: 'a13a_line_coverage_error',
  monitor: true,
  observe: { column: 'share_with_line', label: 'share with a real line', op: '<', threshold: A13A.errorBelow },
  description: 'A-13a: share of active rows with a real line, per date and system, below 0.20 (error)',
  partitionColumn: 'game_date',
  guards: PPP,
  query: (ctx) => lineShare(ctx, A13A.errorBelow),
})

/** A-14c: the predictions of a date cover the store's rows, with the store's feature version. */
export const a14cPredictionsMatchStore = assertion({
  name: 'a14c_predictions_match_store',
  description: 'A-14c: active catboost_v8 rows per date = feature-store rows; feature_version equal to the store row',
  partitionColumn: 'game_date',
  guards: PPP,
  query: (
    ctx,
  ) => sql`SELECT f.game_date, f.player_lookup, f.feature_version AS store_version, p.feature_version AS predicted_version
    FROM ${ctx.ref('ml_feature_store_v2')} AS f
    LEFT JOIN ${ctx.ref(PPP)} AS p ON p.player_lookup = f.player_lookup AND p.game_date = f.game_date AND p.game_date IS NOT NULL
      AND p.is_active AND p.system_id = ${SYSTEM_ID}
    WHERE f.game_date IS NOT NULL
      AND f.game_date BETWEEN (SELECT MIN(game_date) FROM ${ctx.ref(PPP)} WHERE game_date IS NOT NULL)
        AND (SELECT MAX(game_date) FROM ${ctx.ref(PPP)} WHERE game_date IS NOT NULL)
      AND (p.prediction_id IS NULL OR p.feature_version IS DISTINCT FROM f.feature_version)`,
})

/** A-19a: catboost rows without the store's quality score (I-19: written by pre-fix code). */
export const a19aQualityScorePresent = assertion({
  name: 'a19a_quality_score_present',
  description: 'A-19a: share of catboost_v8 rows with feature_quality_score NULL = 0',
  partitionColumn: 'game_date',
  guards: PPP,
  query: (ctx) => sql`SELECT game_date, prediction_id, player_lookup FROM ${ctx.ref(PPP)}
    WHERE game_date IS NOT NULL AND system_id = ${SYSTEM_ID} AND feature_quality_score IS NULL`,
})

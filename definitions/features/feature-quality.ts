/**
 * Quality score, tier and data_source of a feature-store row (DOMAIN §3.3), as SQL generated from
 * the feature catalog's weights and tiers: no number here is a copy of the catalog's.
 * Rebuild rule: a present value labelled vegas / opponent_history / minutes_ppm scores 100;
 * default / missing / fallback score 40. Early-season rows score 0.
 */
import { raw, sql } from '../../src/index.js'
import type { ActionContext, SqlFragment } from '../../src/index.js'
import {
  DATA_SOURCE_RULES,
  FEATURE_CATALOG,
  FEATURE_VERSIONS,
  QUALITY_TIERS,
  SOURCE_WEIGHTS,
} from '../../includes/feature-catalog.js'
import type { FeatureVersion } from '../../includes/feature-catalog.js'
import { joinWith } from '../../includes/sql-helpers.js'

/**
 * The version this store writes: the 33 V8 store features 0–32 (+ has_shot_zone_data, a model
 * input the store now computes). Why this version: definitions/features/ml-feature-store-v2.ts.
 */
export const FEATURE_VERSION: FeatureVersion = 'v2_33features'
export const FEATURE_COUNT: number = FEATURE_VERSIONS[FEATURE_VERSION]

/** The features the quality score and data_source count: the version's feature_count, in store order. */
export const SCORED_FEATURES = FEATURE_CATALOG.filter((f) => f.index < FEATURE_COUNT)

/** Column holding a feature's source label. */
export function sourceColumn(name: string): string {
  return `src_${name}`
}

function weightOf(label: SqlFragment): SqlFragment {
  const whens = Object.entries(SOURCE_WEIGHTS).map(([name, weight]) => `WHEN '${name}' THEN ${weight}`)
  return sql`(CASE ${label} ${raw(whens.join(' '))} ELSE ${Math.min(...Object.values(SOURCE_WEIGHTS))} END)`
}

function countLabel(prefix: string, label: string): SqlFragment {
  return joinWith(
    SCORED_FEATURES.map((f) => sql`(CASE WHEN ${raw(prefix + sourceColumn(f.name))} = ${label} THEN 1 ELSE 0 END)`),
    ' + ',
  )
}

/** Mean source weight over the scored features, unrounded (labels read from `prefix`src_<name>). */
export function qualityMeanSql(prefix: string): SqlFragment {
  return sql`(${joinWith(
    SCORED_FEATURES.map((f) => weightOf(raw(prefix + sourceColumn(f.name)))),
    ' + ',
  )}) / ${FEATURE_COUNT}.0`
}

/** Shares of the scored features labelled phase4 and phase3. */
export function sourceSharesSql(prefix: string): { phase4: SqlFragment; phase3: SqlFragment } {
  return {
    phase4: sql`(${countLabel(prefix, 'phase4')}) / ${FEATURE_COUNT}.0`,
    phase3: sql`(${countLabel(prefix, 'phase3')}) / ${FEATURE_COUNT}.0`,
  }
}

/** feature_quality_score NUMERIC(5,2): 0 for early-season rows, else the mean weight rounded to 2 decimals. */
export function qualityScoreSql(ctx: ActionContext, earlySeason: SqlFragment, mean: SqlFragment): SqlFragment {
  return ctx.fn.cast(sql`CASE WHEN ${earlySeason} THEN 0 ELSE ROUND(${mean}, 2) END`, 'NUMERIC(5,2)')
}

/** quality_tier from the score (the catalog's tiers, highest first). */
export function qualityTierSql(score: SqlFragment): SqlFragment {
  const bounded = QUALITY_TIERS.filter((t) => Number.isFinite(t.minScore))
  const floor = QUALITY_TIERS.find((t) => !Number.isFinite(t.minScore))?.tier ?? 'unusable'
  const whens = bounded.map((t) => sql`WHEN ${score} >= ${t.minScore} THEN ${t.tier}`)
  return sql`(CASE ${joinWith(whens, ' ')} ELSE ${floor} END)`
}

/** data_source: early_season; phase4 / phase4_partial by the Phase 4 share; phase3; else mixed. */
export function dataSourceSql(
  earlySeason: SqlFragment,
  shares: { phase4: SqlFragment; phase3: SqlFragment },
): SqlFragment {
  return sql`(CASE WHEN ${earlySeason} THEN 'early_season'
    WHEN ${shares.phase4} >= ${DATA_SOURCE_RULES.phase4MinShare} THEN 'phase4'
    WHEN ${shares.phase4} >= ${DATA_SOURCE_RULES.phase4PartialMinShare} THEN 'phase4_partial'
    WHEN ${shares.phase3} >= ${DATA_SOURCE_RULES.phase3MinShare} THEN 'phase3'
    ELSE 'mixed' END)`
}

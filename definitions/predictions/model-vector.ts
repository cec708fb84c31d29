/**
 * The catboost_v8 model vector: the 34 catalog inputs of a feature-store row as they are fed to
 * the model, and what each prediction records about them (critical_features, features_snapshot,
 * model_input_hash). The vector is the store's values, plus the explicit defaults of
 * MODEL_INPUT_DEFAULTS (none today), plus — only in incident replays — a serving override.
 */
import { raw, sql } from '../../src/index.js'
import type { ActionContext, SqlFragment } from '../../src/index.js'
import { CRITICAL_FEATURE_KEYS, FEATURE_NAMES } from '../../includes/feature-catalog.js'
import { joinText } from '../../includes/sql-helpers.js'
import { MODEL_INPUT_DEFAULTS, vectorColumn } from './model.js'

/**
 * Values that reach the model instead of the store's for a date range: how an incident replay
 * reproduces a serving bug (I-1: Vegas and PPM inputs on defaults). Never set in production
 * definitions; the assertions on critical_features exist to catch exactly this.
 */
export interface ServingOverride {
  /** First and last game_date (inclusive) the override applies to. */
  readonly from: string
  readonly to: string
  /** Model input → value fed instead: a number, null (fed as missing), or another input's stored value. */
  readonly values: Readonly<Record<string, number | null | { readonly copyOf: string }>>
}

/** The vector's inputs: every catalog feature, in model order. */
export const VECTOR_INPUTS: readonly string[] = FEATURE_NAMES

function number(ctx: ActionContext, value: number | null): SqlFragment {
  return ctx.fn.cast(value === null ? sql`NULL` : raw(String(value)), 'FLOAT64')
}

/** `<value as fed> AS mv_<name>` for each input, read from the store row alias `fs`. */
export function vectorSelect(ctx: ActionContext, fs: string, override?: ServingOverride): SqlFragment[] {
  for (const [name, forced] of Object.entries(override?.values ?? {})) {
    const names = [name, ...(typeof forced === 'object' && forced !== null ? [forced.copyOf] : [])]
    const unknown = names.filter((n) => !VECTOR_INPUTS.includes(n))
    if (unknown.length)
      throw new Error(`serving override names unknown model input(s) ${unknown.map((u) => `"${u}"`).join(', ')}`)
  }
  return VECTOR_INPUTS.map((name) => {
    const stored = ctx.fn.cast(raw(`${fs}.${name}`), 'FLOAT64')
    const fallback = MODEL_INPUT_DEFAULTS[name]
    let value = fallback === undefined ? stored : sql`COALESCE(${stored}, ${number(ctx, fallback)})`
    const forced = override?.values[name]
    if (override && forced !== undefined) {
      const from = ctx.fn.cast(sql`${override.from}`, 'DATE')
      const to = ctx.fn.cast(sql`${override.to}`, 'DATE')
      const fedInstead =
        typeof forced === 'object' && forced !== null
          ? ctx.fn.cast(raw(`${fs}.${forced.copyOf}`), 'FLOAT64')
          : number(ctx, forced)
      value = sql`CASE WHEN ${raw(fs)}.game_date BETWEEN ${from} AND ${to} THEN ${fedInstead} ELSE ${value} END`
    }
    return sql`${value} AS ${raw(vectorColumn(name))}`
  })
}

/** A vector input of the row alias `v`. */
export function input(alias: string, name: string): SqlFragment {
  return raw(`${alias}.${vectorColumn(name)}`)
}

/**
 * critical_features: exactly the 8 keys of DOMAIN §4.2, each the number fed to the model (JSON
 * null when missing), feature_quality_score being the store row's.
 */
export function criticalFeaturesJson(ctx: ActionContext, v: string, qualityScore: SqlFragment): SqlFragment {
  return ctx.fn.jsonObject(
    CRITICAL_FEATURE_KEYS.map(
      (key) => [key, key === 'feature_quality_score' ? ctx.fn.cast(qualityScore, 'FLOAT64') : input(v, key)] as const,
    ),
  )
}

/** features_snapshot: every input as fed, by name. */
export function featuresSnapshotJson(ctx: ActionContext, v: string): SqlFragment {
  return ctx.fn.jsonObject(VECTOR_INPUTS.map((name) => [name, input(v, name)] as const))
}

/** sha256 over the text of the given values ('null' for NULL), '|'-separated, in order. */
export function fingerprint(ctx: ActionContext, values: readonly SqlFragment[]): SqlFragment {
  const parts = values.map((value) => sql`COALESCE(${ctx.fn.cast(value, 'STRING')}, 'null')`)
  return ctx.fn.sha256Hex(joinText(parts, '|'))
}

/** The vector inputs of `v`, for the fingerprint. */
export function vectorValues(v: string): SqlFragment[] {
  return VECTOR_INPUTS.map((name) => input(v, name))
}

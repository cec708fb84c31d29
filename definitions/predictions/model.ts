/**
 * The bundled catboost_v8 model (includes/models/catboost_v8.json, CatBoost's JSON export
 * format), read once when this module loads, and how its inputs map to feature-store columns.
 *
 * Mapping is by name: each model feature's `feature_id` must be a column of
 * ml_feature_store_v2 named in the feature catalog (a real CatBoost export with other names
 * fails here, at compile, with the names listed). The model is evaluated in SQL
 * (renderCatBoostExpression), identically on DuckDB and BigQuery.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import {
  featureNames,
  parseCatBoostModel,
  raw,
  renderCatBoostExpression,
  renderPreparedInput,
} from '../../src/index.js'
import type { ActionContext, CatBoostModel, SqlFragment } from '../../src/index.js'
import { FEATURE_NAMES } from '../../includes/feature-catalog.js'

export const MODEL_FILE = 'includes/models/catboost_v8.json'
const MODEL_URL = new URL('../../includes/models/catboost_v8.json', import.meta.url)

/** Load and check a model file: every input must be a feature-store column. */
export function loadModel(
  text: string,
  source: string,
): { model: CatBoostModel; inputs: readonly string[]; version: string } {
  const model = parseCatBoostModel(JSON.parse(text), source)
  const inputs = featureNames(model).filter((n): n is string => n !== undefined)
  const unknown = inputs.filter((name) => !FEATURE_NAMES.includes(name))
  if (unknown.length) {
    throw new Error(
      `${source}: model input(s) ${unknown.map((u) => `"${u}"`).join(', ')} are not feature-store columns; rename them to catalog names (includes/feature-catalog.ts)`,
    )
  }
  // The model's identity in every prediction row: a retrained file is a different model even on a dirty tree.
  const version = `catboost_v8@${createHash('sha256').update(text).digest('hex').slice(0, 12)}`
  return { model, inputs, version }
}

const loaded = loadModel(readFileSync(MODEL_URL, 'utf8'), MODEL_FILE)

export const CATBOOST_V8: CatBoostModel = loaded.model
/** Model inputs in model order (the feature ids of the file). */
export const MODEL_INPUTS: readonly string[] = loaded.inputs
/** `model_version` of every prediction: 'catboost_v8@' + the first 12 hex of the file's sha256. */
export const MODEL_VERSION: string = loaded.version

/**
 * Explicit defaults applied when the model vector is built (DOMAIN §3, lesson 3): none. The
 * store keeps NULL for a missing input and the model was trained with NULL as missing, so a
 * NULL reaches the model as missing (CatBoost's nan_value_treatment) exactly as in training,
 * and critical_features records null. Add an entry here only with a retrained model.
 */
export const MODEL_INPUT_DEFAULTS: Readonly<Record<string, number>> = Object.freeze({})

/** Alias of a model input inside the prediction query (the vector, after defaults and overrides). */
export function vectorColumn(name: string): string {
  return `mv_${name}`
}

/** Alias of a model input prepared for the model expression (NaN as NULL): see modelInputs. */
export function preparedColumn(name: string): string {
  return `mp_${name}`
}

/**
 * `<input with NaN as NULL> AS mp_<name>` for each input of `model`, from the vector columns of `alias`:
 * selected once per row below `modelExpression(..., 'prepared')`, so that each of the model's splits is
 * one comparison instead of also testing for NaN.
 */
export function modelInputs(ctx: ActionContext, alias: string, model: CatBoostModel = CATBOOST_V8): SqlFragment[] {
  return featureNames(model)
    .filter((name): name is string => name !== undefined)
    .map((name) =>
      raw(`${renderPreparedInput(ctx.engine, `${alias}.${vectorColumn(name)}`)} AS ${preparedColumn(name)}`),
    )
}

/**
 * The model as one SQL scalar expression over the columns of `alias`: the vector columns, or the
 * prepared ones of modelInputs (`inputs: 'prepared'`). Both give the same value.
 */
export function modelExpression(
  ctx: ActionContext,
  alias: string,
  model: CatBoostModel = CATBOOST_V8,
  inputs: 'vector' | 'prepared' = 'vector',
): SqlFragment {
  const column = inputs === 'prepared' ? preparedColumn : vectorColumn
  return raw(
    renderCatBoostExpression(model, {
      engine: ctx.engine,
      column: (name) => `${alias}.${column(name)}`,
      preparedInputs: inputs === 'prepared',
    }),
  )
}

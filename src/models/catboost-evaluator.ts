// Reference evaluator for CatBoost float-feature oblivious trees (semantics: see catboost-model.ts).
// CatBoost evaluates on float32 features against float32 borders, so a value is rounded with
// Math.fround before `value > border`; leaf sums, scale and bias are float64, as in CatBoost.
import { featureNames, floatFeatures, isMissingGreater, scaleAndBias } from './catboost-model.js'
import type { CatBoostModel } from './catboost-model.js'

/** A feature value; `null`, `undefined` and NaN are missing. */
export type FeatureValue = number | null | undefined

export interface EvaluateOptions {
  /**
   * Input column names in training order (indexed by `flat_feature_index`), required when the
   * model has no `feature_id`s; when it has them, they must agree.
   */
  readonly featureNames?: readonly string[]
}

/** A model compiled into flat arrays; `slot` i holds the float feature with `feature_index` i. */
export interface CompiledCatBoost {
  /** `flat_feature_index` per slot: the position in a training-order input vector. */
  readonly flatIndexes: readonly number[]
  /** Evaluate one row given its values by slot. */
  predictSlots(values: ArrayLike<FeatureValue>): number
}

interface CompiledTree {
  readonly slots: Int32Array
  readonly borders: Float32Array
  readonly missingBits: Uint8Array
  readonly leaves: Float64Array
}

const compiledCache = new WeakMap<CatBoostModel, CompiledCatBoost>()
const namesCache = new WeakMap<CatBoostModel, Map<string, readonly string[]>>()

/** Compile (once per model object) the arrays the evaluator walks. */
export function compileCatBoost(model: CatBoostModel): CompiledCatBoost {
  const hit = compiledCache.get(model)
  if (hit) return hit
  const features = floatFeatures(model)
  const missingGreater = new Map(features.map((f) => [f.feature_index, isMissingGreater(f)]))
  const flatIndexes: number[] = []
  for (const f of features) flatIndexes[f.feature_index] = f.flat_feature_index
  const trees: CompiledTree[] = model.oblivious_trees.map((tree) => ({
    slots: Int32Array.from(tree.splits, (s) => s.float_feature_index ?? 0),
    // Float32Array rounds each border to float32, as CatBoost's loader does.
    borders: Float32Array.from(tree.splits, (s) => s.border ?? 0),
    missingBits: Uint8Array.from(tree.splits, (s) => (missingGreater.get(s.float_feature_index ?? 0) ? 1 : 0)),
    leaves: Float64Array.from(tree.leaf_values),
  }))
  const [scale, bias] = scaleAndBias(model)
  const compiled: CompiledCatBoost = {
    flatIndexes: Array.from(flatIndexes),
    predictSlots: (values) => scale * sumTrees(trees, values) + bias,
  }
  compiledCache.set(model, compiled)
  return compiled
}

function namesOf(model: CatBoostModel, explicit: readonly string[] | undefined): readonly string[] {
  const key = explicit ? JSON.stringify(explicit) : ''
  const perModel = namesCache.get(model) ?? new Map<string, readonly string[]>()
  namesCache.set(model, perModel)
  const hit = perModel.get(key)
  if (hit) return hit
  const names = Array.from(featureNames(model, explicit))
  perModel.set(key, names)
  return names
}

function sumTrees(trees: readonly CompiledTree[], values: ArrayLike<FeatureValue>): number {
  const leafValues = new Float64Array(trees.length)
  trees.forEach((tree, t) => {
    let leaf = 0
    for (let depth = 0; depth < tree.slots.length; depth++) {
      const value = values[tree.slots[depth]!]
      const bit =
        value === null || value === undefined || Number.isNaN(value)
          ? tree.missingBits[depth]!
          : Math.fround(value) > tree.borders[depth]!
            ? 1
            : 0
      // The first split of a tree is the low bit of the leaf index (apply_catboost_model.py).
      leaf |= bit << depth
    }
    leafValues[t] = tree.leaves[leaf]!
  })
  return pairwiseSum(leafValues, 0, leafValues.length)
}

/**
 * Sum of `values[from..to)` as a balanced tree: (first half) + (second half), the first half
 * holding floor(n / 2) values. The SQL rendering adds trees in exactly this shape (a long
 * left-deep `a + b + c ...` chain makes DuckDB's planner quadratic and nests too deep for
 * BigQuery), so both give identical float64 results. It differs from CatBoost's sequential sum
 * only by rounding (about 1e-15 relative).
 */
export function pairwiseSum(values: ArrayLike<number>, from: number, to: number): number {
  const count = to - from
  if (count <= 0) return 0
  if (count === 1) return values[from]!
  const middle = from + (count >> 1)
  return pairwiseSum(values, from, middle) + pairwiseSum(values, middle, to)
}

/**
 * Predict one row given feature values by name. `null`, `undefined` (absent) and NaN are missing
 * and follow each feature's `nan_value_treatment`. Returns `scale * sum(leaves) + bias`.
 */
export function evaluateCatBoost(
  model: CatBoostModel,
  features: Readonly<Record<string, FeatureValue>>,
  options: EvaluateOptions = {},
): number {
  const names = namesOf(model, options.featureNames)
  const values = names.map((name) => (name === undefined ? undefined : features[name]))
  return compileCatBoost(model).predictSlots(values)
}

/** Predict one row given a training-order input vector (indexed by `flat_feature_index`). */
export function evaluateCatBoostVector(model: CatBoostModel, vector: ArrayLike<FeatureValue>): number {
  const compiled = compileCatBoost(model)
  const values = compiled.flatIndexes.map((flat) => (flat === undefined ? undefined : vector[flat]))
  return compiled.predictSlots(values)
}

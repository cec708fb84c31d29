// A small deterministic gradient-boosting trainer producing CatBoost-format oblivious trees.
//
// Squared loss; each tree is symmetric: one (feature, border) split per level, chosen greedily by
// the L2-regularised gain sum(S^2 / (N + l2LeafReg)) over the leaves it creates (S = sum of
// residuals, N = rows). Borders are quantiles computed once per feature (up to borderCount),
// stored as float32 like CatBoost's. Missing values (NaN) follow CatBoost's default nan_mode Min:
// they go to the "not greater than the border" side (bin 0), and the exported feature says
// `has_nans: true, nan_value_treatment: "AsFalse"` (AsIs when the learn set had no NaN).
// The start value is the target mean (boost_from_average), exported as the bias of
// `scale_and_bias`; leaf values already include the learning rate, as in CatBoost.
// No randomness is used: same inputs, same model, byte for byte.
import { z } from 'zod'

import { ModelError } from '../../src/models/catboost-model.js'
import type { CatBoostFloatFeature, CatBoostModel, CatBoostTree } from '../../src/models/catboost-model.js'

export interface ObliviousBoostingInput extends ObliviousBoostingParams {
  /** Rows x features; NaN is missing. Column i is `featureNames[i]` (model index = position). */
  readonly features: readonly ArrayLike<number>[]
  /** One finite target per row. */
  readonly target: ArrayLike<number>
  /** Names written as `feature_id`, in column order. */
  readonly featureNames: readonly string[]
}

const paramsSchema = z.strictObject({
  iterations: z.number().int().min(1).max(100_000),
  depth: z.number().int().min(1).max(10),
  learningRate: z.number().positive().max(1),
  borderCount: z.number().int().min(1).max(65_534),
  l2LeafReg: z.number().nonnegative(),
  seed: z.number().int(),
})
/** Training settings; `seed` is recorded in `model_info` (the algorithm itself draws no numbers). */
export type ObliviousBoostingParams = z.input<typeof paramsSchema>

interface Quantized {
  /** Sorted float32 borders per feature. */
  readonly borders: readonly Float64Array[]
  /** Bin per feature and row: number of borders strictly below the float32 value; NaN -> 0. */
  readonly bins: readonly (Uint8Array | Uint16Array)[]
  readonly hasNans: readonly boolean[]
  readonly binCount: number
}

interface GrownTree {
  readonly splits: readonly { feature: number; border: number }[]
  readonly leafValues: Float64Array
  readonly leafWeights: Float64Array
}

/** Train a model in CatBoost's JSON shape; it round-trips through parseCatBoostModel. */
export function trainObliviousBoosting(input: ObliviousBoostingInput): CatBoostModel {
  const parsed = paramsSchema.safeParse({
    iterations: input.iterations,
    depth: input.depth,
    learningRate: input.learningRate,
    borderCount: input.borderCount,
    l2LeafReg: input.l2LeafReg,
    seed: input.seed,
  })
  if (!parsed.success) {
    throw new ModelError(
      'training params',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      'training-params-invalid',
    )
  }
  const params = parsed.data
  const target = Float64Array.from(checkInput(input))
  const quantized = quantize(input.features, input.featureNames.length, params.borderCount)
  const bias = target.reduce((a, b) => a + b, 0) / target.length
  const prediction = new Float64Array(target.length).fill(bias)
  const residual = new Float64Array(target.length)
  const grower = new TreeGrower(quantized, params.depth, params.l2LeafReg)
  const trees: GrownTree[] = []
  for (let it = 0; it < params.iterations; it++) {
    for (let r = 0; r < target.length; r++) residual[r] = target[r]! - prediction[r]!
    const tree = grower.grow(residual, params.learningRate)
    const leaf = grower.leafOfRow
    for (let r = 0; r < target.length; r++) prediction[r]! += tree.leafValues[leaf[r]!]!
    trees.push(tree)
  }
  return assembleModel({ trees, quantized, names: input.featureNames, bias, params })
}

function checkInput(input: ObliviousBoostingInput): ArrayLike<number> {
  const issues: { path: string; message: string }[] = []
  const rows = input.features.length
  if (rows === 0) issues.push({ path: 'features', message: 'no training rows' })
  if (input.target.length !== rows)
    issues.push({ path: 'target', message: `has ${input.target.length} values for ${rows} rows` })
  const width = input.featureNames.length
  if (new Set(input.featureNames).size !== width) issues.push({ path: 'featureNames', message: 'names must be unique' })
  for (let r = 0; r < rows && issues.length < 5; r++) {
    if (input.features[r]!.length !== width)
      issues.push({ path: `features[${r}]`, message: `has ${input.features[r]!.length} values; expected ${width}` })
    if (!Number.isFinite(input.target[r]))
      issues.push({ path: `target[${r}]`, message: `${input.target[r]} is not a finite number` })
  }
  if (issues.length > 0) throw new ModelError('training input', issues, 'training-input-invalid')
  return input.target
}

function quantize(rows: readonly ArrayLike<number>[], width: number, borderCount: number): Quantized {
  const BinArray = borderCount > 254 ? Uint16Array : Uint8Array
  const borders: Float64Array[] = []
  const bins: (Uint8Array | Uint16Array)[] = []
  const hasNans: boolean[] = []
  const column = new Float64Array(rows.length)
  for (let f = 0; f < width; f++) {
    let nans = 0
    for (let r = 0; r < rows.length; r++) {
      const v = rows[r]![f]!
      if (Number.isNaN(v)) nans++
      column[r] = Math.fround(v) // CatBoost trains and applies on float32 features
    }
    const featureBorders = quantileBorders(column, borderCount)
    const featureBins = new BinArray(rows.length)
    for (let r = 0; r < rows.length; r++) featureBins[r] = binOf(featureBorders, column[r]!)
    borders.push(featureBorders)
    bins.push(featureBins)
    hasNans.push(nans > 0)
  }
  const binCount = 1 + Math.max(0, ...borders.map((b) => b.length))
  return { borders, bins, hasNans, binCount }
}

/** Borders between distinct float32 values at up to `count` quantiles, as float32 numbers. */
function quantileBorders(column: Float64Array, count: number): Float64Array {
  const sorted = column.filter((v) => !Number.isNaN(v)).sort()
  const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1])
  if (distinct.length < 2) return new Float64Array(0)
  const cuts = new Set<number>()
  if (distinct.length - 1 <= count) {
    for (let i = 0; i < distinct.length - 1; i++) cuts.add(i)
  } else {
    for (let k = 1; k <= count; k++) {
      const value = sorted[Math.floor((k * sorted.length) / (count + 1))]!
      const at = lowerBound(distinct, value)
      if (at < distinct.length - 1) cuts.add(at)
    }
  }
  return Float64Array.from(
    [...cuts].sort((a, b) => a - b),
    (i) => midBorder(distinct[i]!, distinct[i + 1]!),
  )
}

/** A float32 border b with low <= b < high, so `low > b` is false and `high > b` is true. */
function midBorder(low: number, high: number): number {
  const mid = Math.fround(low + (high - low) / 2)
  return mid < high ? mid : low
}

function lowerBound(values: Float64Array, value: number): number {
  let lo = 0
  let hi = values.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (values[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Number of borders strictly below `value` (= how many `value > border` hold); NaN -> 0. */
function binOf(borders: Float64Array, value: number): number {
  return Number.isNaN(value) ? 0 : lowerBound(borders, value)
}

/** Grows one oblivious tree at a time, reusing its histogram buffers. */
class TreeGrower {
  readonly leafOfRow: Uint16Array
  readonly #q: Quantized
  readonly #depth: number
  readonly #l2: number
  /** Per (leaf, feature, bin) cell: residual sum at 2*cell, row count at 2*cell + 1 (one cache line). */
  readonly #hist: Float64Array
  readonly #scores: Float64Array
  #rightRows: Uint32Array

  constructor(quantized: Quantized, depth: number, l2LeafReg: number) {
    this.#q = quantized
    this.#depth = depth
    this.#l2 = l2LeafReg
    const rows = quantized.bins[0]?.length ?? 0
    const cells = 2 ** (depth - 1) * quantized.bins.length * quantized.binCount
    this.leafOfRow = new Uint16Array(rows)
    this.#hist = new Float64Array(2 * cells)
    this.#scores = new Float64Array(quantized.bins.length * quantized.binCount)
    this.#rightRows = new Uint32Array(rows)
  }

  grow(residual: Float64Array, learningRate: number): GrownTree {
    this.leafOfRow.fill(0)
    const splits: { feature: number; border: number }[] = []
    this.#buildRootHistogram(residual)
    for (let level = 0; level < this.#depth; level++) {
      const best = this.#bestSplit(2 ** level, splits)
      if (best === undefined) break
      splits.push(best)
      const right = this.#applySplit(best, level)
      if (level + 1 < this.#depth) this.#buildChildHistograms(residual, right, 2 ** level)
    }
    return this.#leaves(residual, splits, learningRate)
  }

  #buildRootHistogram(residual: Float64Array): void {
    const { bins, binCount } = this.#q
    const hist = this.#hist
    hist.fill(0, 0, 2 * bins.length * binCount)
    for (let f = 0; f < bins.length; f++) {
      const featureBins = bins[f]!
      const base = f * binCount
      for (let r = 0; r < residual.length; r++) {
        const cell = 2 * (base + featureBins[r]!)
        hist[cell]! += residual[r]!
        hist[cell + 1]! += 1
      }
    }
  }

  /** Histograms of right children from their rows; left child = parent minus right child. */
  #buildChildHistograms(residual: Float64Array, rightCount: number, parents: number): void {
    const { bins, binCount } = this.#q
    const leafSize = 2 * bins.length * binCount
    const hist = this.#hist
    const rows = this.#rightRows
    const leafOfRow = this.leafOfRow
    hist.fill(0, parents * leafSize, 2 * parents * leafSize)
    for (let f = 0; f < bins.length; f++) {
      const featureBins = bins[f]!
      const base = 2 * f * binCount
      for (let k = 0; k < rightCount; k++) {
        const r = rows[k]!
        const cell = leafOfRow[r]! * leafSize + base + 2 * featureBins[r]!
        hist[cell]! += residual[r]!
        hist[cell + 1]! += 1
      }
    }
    const rightStart = parents * leafSize
    for (let c = 0; c < rightStart; c++) hist[c]! -= hist[rightStart + c]!
  }

  #bestSplit(
    leaves: number,
    used: readonly { feature: number; border: number }[],
  ): { feature: number; border: number } | undefined {
    const { borders, binCount } = this.#q
    const scores = this.#scores
    scores.fill(0)
    const leafSize = borders.length * binCount
    for (let leaf = 0; leaf < leaves; leaf++) {
      for (let f = 0; f < borders.length; f++)
        this.#scoreFeature(leaf * leafSize + f * binCount, f * binCount, borders[f]!.length)
    }
    let best: { feature: number; border: number } | undefined
    let bestScore = -Infinity
    for (let f = 0; f < borders.length; f++) {
      for (let j = 0; j < borders[f]!.length; j++) {
        const score = scores[f * binCount + j]!
        if (score > bestScore && !used.some((u) => u.feature === f && u.border === j)) {
          bestScore = score
          best = { feature: f, border: j }
        }
      }
    }
    return best
  }

  /** Add, for each border j of one feature in one leaf, the gain of splitting at j. */
  #scoreFeature(cell: number, scoreAt: number, borderCount: number): void {
    const hist = this.#hist
    let totalSum = 0
    let totalCount = 0
    for (let b = 0; b <= borderCount; b++) {
      totalSum += hist[2 * (cell + b)]!
      totalCount += hist[2 * (cell + b) + 1]!
    }
    let leftSum = 0
    let leftCount = 0
    for (let j = 0; j < borderCount; j++) {
      leftSum += hist[2 * (cell + j)]!
      leftCount += hist[2 * (cell + j) + 1]!
      const rightSum = totalSum - leftSum
      const rightCount = totalCount - leftCount
      this.#scores[scoreAt + j]! +=
        (leftSum * leftSum) / (leftCount + this.#l2 || 1) + (rightSum * rightSum) / (rightCount + this.#l2 || 1)
    }
  }

  /** Set bit `level` of the rows going right; returns how many rows went right. */
  #applySplit(split: { feature: number; border: number }, level: number): number {
    const featureBins = this.#q.bins[split.feature]!
    const bit = 1 << level
    let count = 0
    for (let r = 0; r < featureBins.length; r++) {
      if (featureBins[r]! > split.border) {
        this.leafOfRow[r]! |= bit
        this.#rightRows[count++] = r
      }
    }
    return count
  }

  #leaves(
    residual: Float64Array,
    splits: readonly { feature: number; border: number }[],
    learningRate: number,
  ): GrownTree {
    const leafCount = 2 ** splits.length
    const sums = new Float64Array(leafCount)
    const leafWeights = new Float64Array(leafCount)
    for (let r = 0; r < residual.length; r++) {
      sums[this.leafOfRow[r]!]! += residual[r]!
      leafWeights[this.leafOfRow[r]!]! += 1
    }
    const leafValues = sums.map((s, i) => (leafWeights[i]! > 0 ? (learningRate * s) / (leafWeights[i]! + this.#l2) : 0))
    return { splits, leafValues, leafWeights }
  }
}

interface AssembleInput {
  readonly trees: readonly GrownTree[]
  readonly quantized: Quantized
  readonly names: readonly string[]
  readonly bias: number
  readonly params: z.output<typeof paramsSchema>
}

function assembleModel({ trees, quantized, names, bias, params }: AssembleInput): CatBoostModel {
  // features_info keeps only the borders some split uses; split_index numbers them across
  // features in order, as CatBoost's binary-feature index does.
  const used = quantized.borders.map(() => new Set<number>())
  for (const tree of trees) for (const s of tree.splits) used[s.feature]!.add(s.border)
  const kept = used.map((set) => [...set].sort((a, b) => a - b))
  const offsets = kept.map((_, f) => kept.slice(0, f).reduce((n, k) => n + k.length, 0))
  const floatFeatures: CatBoostFloatFeature[] = names.map((name, f) => ({
    borders: kept[f]!.map((j) => quantized.borders[f]![j]!),
    feature_id: name,
    feature_index: f,
    flat_feature_index: f,
    has_nans: quantized.hasNans[f]!,
    nan_value_treatment: quantized.hasNans[f] ? 'AsFalse' : 'AsIs',
  }))
  const obliviousTrees: CatBoostTree[] = trees.map((tree) => ({
    leaf_values: Array.from(tree.leafValues),
    leaf_weights: Array.from(tree.leafWeights),
    splits: tree.splits.map((s) => ({
      border: quantized.borders[s.feature]![s.border]!,
      float_feature_index: s.feature,
      split_index: offsets[s.feature]! + kept[s.feature]!.indexOf(s.border),
      split_type: 'FloatFeature',
    })),
  }))
  return {
    features_info: { float_features: floatFeatures },
    model_info: { params: trainingParams(params), training_tool: 'nba-props-pipeline oblivious-boosting' },
    oblivious_trees: obliviousTrees,
    scale_and_bias: [1, [bias]],
  }
}

/** The settings in CatBoost's `model_info.params` layout, so tools reading it find them. */
function trainingParams(params: z.output<typeof paramsSchema>): Record<string, unknown> {
  return {
    boosting_options: { boost_from_average: true, iterations: params.iterations, learning_rate: params.learningRate },
    data_processing_options: {
      float_features_binarization: { border_count: params.borderCount, border_type: 'Quantile', nan_mode: 'Min' },
    },
    loss_function: { type: 'RMSE' },
    random_seed: params.seed,
    tree_learner_options: { depth: params.depth, grow_policy: 'SymmetricTree', l2_leaf_reg: params.l2LeafReg },
  }
}

// CatBoost JSON model format (`model.save_model(path, format='json')`), restricted to float features.
//
// Sources followed (catboost/catboost on GitHub):
// - catboost/libs/model/model_export/json_model_helpers.cpp: the writer and the loader. Keys:
//   `oblivious_trees[]` = { leaf_values, leaf_weights?, splits[] = { float_feature_index, border,
//   split_index, split_type } }, `features_info.float_features[]` = { has_nans, feature_index,
//   flat_feature_index, borders, feature_id, nan_value_treatment }, `scale_and_bias` =
//   [scale, [bias per dimension]], `model_info`. The loader reads `border` and `borders` as C++
//   `float` (float32), leaf values as double, reads `has_nans` with GetBoolean() (absent = false),
//   and derives the approx dimension as leaf_values.length / 2^depth.
// - catboost/libs/model/cpu/evaluator_impl.h (BinarizeFeatures): features are float32; a float
//   feature with `has_nans` and AsFalse gets NaN replaced by -inf, AsTrue by +inf, and with AsIs (or
//   has_nans false) no substitution, so `NaN > border` is false. Bit = `value > border`.
// - catboost/libs/model/model_export/resources/apply_catboost_model.py: the leaf index of a tree is
//   `index |= bit(split[depth]) << depth`, i.e. the FIRST split in `splits` is the LOW bit; the
//   prediction is `scale * sum(leaf values) + bias`.
// - catboost/libs/model/flatbuffers_serializer_helper.h: nan_mode Min <-> AsFalse, Max <-> AsTrue,
//   Forbidden <-> AsIs. The model-level `nan_mode` (params.data_processing_options.
//   float_features_binarization.nan_mode) only decides what training wrote per feature; features
//   without NaN in the learn set are written AsIs. Evaluation reads the per-feature value only.
import { z } from 'zod'

import { PipelineError } from '../core/errors.js'

/** A model file that cannot be used: carries the file and every bad path found. */
export class ModelError extends PipelineError {
  readonly source: string
  readonly issues: readonly ModelIssue[]
  constructor(source: string, issues: readonly ModelIssue[], code = 'model-invalid') {
    const lines = issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`)
    super(code, `Model "${source}": ${issues.length} problem(s)\n${lines.join('\n')}`)
    this.source = source
    this.issues = issues
  }
}

/** One problem in a model file, located by a JSON path such as `oblivious_trees[3].splits[0]`. */
export interface ModelIssue {
  readonly path: string
  readonly message: string
}

// z.number() rejects NaN and ±Infinity.
const finiteNumber = z.number()
const index = z.number().int().nonnegative()

const floatFeatureSchema = z.looseObject({
  feature_index: index,
  flat_feature_index: index,
  borders: z.array(finiteNumber).nullish(),
  nan_value_treatment: z.enum(['AsIs', 'AsFalse', 'AsTrue']),
  has_nans: z.boolean().optional(),
  feature_id: z.string().optional(),
})

const splitSchema = z.looseObject({
  split_type: z.string().optional(),
  float_feature_index: index.optional(),
  border: finiteNumber.optional(),
  split_index: index.optional(),
})

const treeSchema = z.looseObject({
  splits: z.array(splitSchema),
  leaf_values: z.array(finiteNumber),
  leaf_weights: z.array(finiteNumber).optional(),
})

const modelSchema = z.looseObject({
  model_info: z.record(z.string(), z.unknown()).optional(),
  oblivious_trees: z.array(treeSchema),
  features_info: z.looseObject({
    float_features: z.array(floatFeatureSchema).optional(),
    categorical_features: z.array(z.unknown()).optional(),
    ctrs: z.array(z.unknown()).optional(),
  }),
  scale_and_bias: z.tuple([finiteNumber, z.array(finiteNumber)]).optional(),
})

export type CatBoostModel = z.output<typeof modelSchema>
export type CatBoostTree = z.output<typeof treeSchema>
export type CatBoostSplit = z.output<typeof splitSchema>
export type CatBoostFloatFeature = z.output<typeof floatFeatureSchema>
export type NanValueTreatment = CatBoostFloatFeature['nan_value_treatment']

const FLOAT32_MAX = 3.4028234663852886e38

/**
 * Validate a parsed JSON value as a CatBoost float-feature oblivious-tree regression model.
 * Unknown keys are kept, so a real export parses unchanged. Throws `ModelError` naming `source`
 * and each bad path; unsupported parts (categorical features, CTRs, non-symmetric trees,
 * multi-dimensional leaves) are rejected, never ignored.
 */
export function parseCatBoostModel(json: unknown, source: string): CatBoostModel {
  const parsed = modelSchema.safeParse(json)
  if (!parsed.success) {
    throw new ModelError(
      source,
      parsed.error.issues.map((i) => ({
        path: formatPath(i.path),
        message: i.message,
      })),
    )
  }
  const issues = [...unsupportedParts(json as Record<string, unknown>, parsed.data), ...checkModel(parsed.data)]
  if (issues.length > 0) throw new ModelError(source, issues)
  return parsed.data
}

function unsupportedParts(raw: Record<string, unknown>, model: CatBoostModel): ModelIssue[] {
  const issues: ModelIssue[] = []
  if ('trees' in raw) {
    issues.push({
      path: 'trees',
      message:
        'non-symmetric trees (grow_policy Depthwise/Lossguide) are not supported; train with grow_policy "SymmetricTree"',
    })
  }
  if ((model.features_info.categorical_features ?? []).length > 0) {
    issues.push({
      path: 'features_info.categorical_features',
      message: 'categorical features are not supported; export a model trained on float features only',
    })
  }
  if ((model.features_info.ctrs ?? []).length > 0 || 'ctr_data' in raw) {
    issues.push({
      path: 'features_info.ctrs',
      message: 'CTR features are not supported; export a model trained on float features only',
    })
  }
  const loss = lossType(model)
  if (loss !== undefined && !RAW_VALUE_LOSSES.has(loss)) {
    issues.push({
      path: 'model_info.params.loss_function.type',
      message: `"${loss}" is not supported: its raw formula value is not the prediction; only regression losses whose raw value is (${[...RAW_VALUE_LOSSES].join(', ')}) are`,
    })
  }
  return issues
}

/** Regression losses whose raw formula value (scale * sum + bias) is the prediction itself. */
const RAW_VALUE_LOSSES: ReadonlySet<string> = new Set([
  'RMSE',
  'MAE',
  'Quantile',
  'MAPE',
  'Huber',
  'Expectile',
  'Lq',
  'LogCosh',
])

function lossType(model: CatBoostModel): string | undefined {
  const params = model.model_info?.params
  if (typeof params !== 'object' || params === null) return undefined
  const loss = (params as { loss_function?: unknown }).loss_function
  if (typeof loss !== 'object' || loss === null) return undefined
  const type = (loss as { type?: unknown }).type
  return typeof type === 'string' ? type : undefined
}

function checkModel(model: CatBoostModel): ModelIssue[] {
  const issues: ModelIssue[] = []
  const features = model.features_info.float_features ?? []
  const seen = new Set<number>()
  features.forEach((f, i) => {
    const path = `features_info.float_features[${i}]`
    if (seen.has(f.feature_index))
      issues.push({ path: `${path}.feature_index`, message: `duplicate feature_index ${f.feature_index}` })
    seen.add(f.feature_index)
    for (const [j, border] of (f.borders ?? []).entries()) checkBorder(border, `${path}.borders[${j}]`, issues)
    if (f.nan_value_treatment === 'AsTrue' && f.has_nans === undefined) {
      issues.push({
        path: `${path}.has_nans`,
        message:
          'missing while nan_value_treatment is "AsTrue"; CatBoost reads a missing has_nans as false and then ignores AsTrue, so state it explicitly',
      })
    }
  })
  let dimension: number | undefined
  model.oblivious_trees.forEach((tree, t) => {
    const path = `oblivious_trees[${t}]`
    tree.splits.forEach((split, s) => checkSplit(split, `${path}.splits[${s}]`, seen, issues))
    const leaves = 2 ** tree.splits.length
    const dim = tree.leaf_values.length / leaves
    if (!Number.isInteger(dim) || dim < 1) {
      issues.push({
        path: `${path}.leaf_values`,
        message: `has ${tree.leaf_values.length} values; expected a multiple of 2^${tree.splits.length} = ${leaves}`,
      })
    } else if (dim !== 1) {
      dimension ??= dim
    }
    if (tree.leaf_weights && tree.leaf_weights.length !== leaves) {
      issues.push({
        path: `${path}.leaf_weights`,
        message: `has ${tree.leaf_weights.length} values; expected ${leaves}`,
      })
    }
  })
  const biasCount = model.scale_and_bias?.[1].length ?? 0
  if (dimension !== undefined || biasCount > 1) {
    issues.push({
      path: dimension !== undefined ? 'oblivious_trees' : 'scale_and_bias',
      message: `approx dimension ${dimension ?? biasCount} (multiclass or multi-target) is not supported; only 1-dimensional regression models are`,
    })
  }
  return issues
}

function checkSplit(
  split: CatBoostSplit,
  path: string,
  featureIndexes: ReadonlySet<number>,
  issues: ModelIssue[],
): void {
  if (split.split_type !== undefined && split.split_type !== 'FloatFeature') {
    issues.push({
      path: `${path}.split_type`,
      message: `"${split.split_type}" is not supported; only "FloatFeature" splits are`,
    })
    return
  }
  if (split.float_feature_index === undefined) {
    issues.push({ path: `${path}.float_feature_index`, message: 'is required for a FloatFeature split' })
  } else if (!featureIndexes.has(split.float_feature_index)) {
    issues.push({
      path: `${path}.float_feature_index`,
      message: `${split.float_feature_index} matches no features_info.float_features[].feature_index`,
    })
  }
  if (split.border === undefined)
    issues.push({ path: `${path}.border`, message: 'is required for a FloatFeature split' })
  else checkBorder(split.border, `${path}.border`, issues)
}

function checkBorder(border: number, path: string, issues: ModelIssue[]): void {
  if (!Number.isFinite(Math.fround(border)) || Math.abs(border) > FLOAT32_MAX) {
    issues.push({ path, message: `${border} is outside the float32 range CatBoost stores borders in` })
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}${out ? '.' : ''}${String(key)}`),
    '',
  )
}

/** Float features ordered by `feature_index` (the index splits refer to). */
export function floatFeatures(model: CatBoostModel): CatBoostFloatFeature[] {
  return [...(model.features_info.float_features ?? [])].sort((a, b) => a.feature_index - b.feature_index)
}

/**
 * Name of each float feature, indexed by `feature_index`. Names come from `feature_id`; a model
 * exported without names needs `explicitNames`, the model's input columns in training order
 * (indexed by `flat_feature_index`). When both exist they must agree.
 */
export function featureNames(model: CatBoostModel, explicitNames?: readonly string[]): string[] {
  const names: string[] = []
  const issues: ModelIssue[] = []
  for (const f of floatFeatures(model)) {
    const own = f.feature_id ? f.feature_id : undefined
    const given = explicitNames?.[f.flat_feature_index]
    const path = `features_info.float_features[feature_index=${f.feature_index}]`
    if (explicitNames && given === undefined) {
      issues.push({
        path,
        message: `flat_feature_index ${f.flat_feature_index} is past the ${explicitNames.length} names given`,
      })
    } else if (own !== undefined && given !== undefined && own !== given) {
      issues.push({
        path,
        message: `feature_id "${own}" differs from the name given for position ${f.flat_feature_index}, "${given}"`,
      })
    }
    const name = given ?? own
    if (name === undefined) {
      if (!explicitNames)
        issues.push({ path, message: "has no feature_id; pass the model's input column names explicitly" })
      continue
    }
    if (names.includes(name)) issues.push({ path, message: `duplicate feature name "${name}"` })
    names[f.feature_index] = name
  }
  if (issues.length > 0) throw new ModelError('feature names', issues, 'model-feature-names')
  return names
}

/** `[scale, bias]` of the model; a model without `scale_and_bias` (older exports) is `[1, 0]`. */
export function scaleAndBias(model: CatBoostModel): readonly [number, number] {
  const pair = model.scale_and_bias
  return pair ? [pair[0], pair[1][0] ?? 0] : [1, 0]
}

/**
 * Whether a missing value (NULL/NaN) sets the split bit: only for a feature with `has_nans` and
 * `AsTrue` (nan_mode Max: missing = +inf). AsFalse (nan_mode Min: missing = -inf) and AsIs
 * (`NaN > border` is false) both leave it 0.
 */
export function isMissingGreater(feature: CatBoostFloatFeature): boolean {
  return feature.has_nans === true && feature.nan_value_treatment === 'AsTrue'
}

/**
 * Deterministic JSON text of a model: keys sorted at every level; the top levels are indented and
 * each deeper value (a tree's leaf list, a split, a feature) stays on one line, so diffs stay small.
 */
export function serializeCatBoostModel(model: CatBoostModel): string {
  return `${formatJson(model, 0)}\n`
}

const PRETTY_DEPTH = 3

function formatJson(value: unknown, depth: number): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (depth >= PRETTY_DEPTH) return JSON.stringify(sortKeys(value))
  const pad = '  '.repeat(depth + 1)
  const close = '  '.repeat(depth)
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    return `[\n${value.map((v) => pad + formatJson(v, depth + 1)).join(',\n')}\n${close}]`
  }
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${pad}${JSON.stringify(k)}: ${formatJson((value as Record<string, unknown>)[k], depth + 1)}`)
  return entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n${close}}`
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(sortKeys)
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k])
  return out
}

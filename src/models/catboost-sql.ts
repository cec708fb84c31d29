// Render a CatBoost oblivious-tree model as one SQL scalar expression (semantics: catboost-model.ts).
//
// Per tree: leaf index = sum of `CASE WHEN <split holds> THEN 2^depth ELSE 0 END` (first split =
// low bit), then the leaf is picked from one array literal. Trees are added as a balanced tree
// (see pairwiseSum), times scale, plus bias: the same float64 operations, in the same order, as
// catboost-evaluator.ts, so both agree exactly (the tests allow 1e-9).
//
// Numbers are written with `Number.prototype.toString()` (shortest text that round-trips) plus an
// exponent (`1.5e0`): DuckDB types a plain `1.5` as DECIMAL but `1.5e0` as DOUBLE; BigQuery reads
// both as FLOAT64.
//
// CatBoost compares `float32(value) > float32(border)`. SQL engines compare in float64, so each
// border is turned into the float64 threshold where rounding to float32 crosses it:
// `float32(x) > b` holds exactly when `x > m` (or `x >= m`, see float32GreaterThreshold).
import type { EngineId } from '../engines/dialect.js'
import { featureNames, floatFeatures, isMissingGreater, ModelError, scaleAndBias } from './catboost-model.js'
import type { CatBoostModel, CatBoostTree } from './catboost-model.js'

export interface RenderCatBoostOptions {
  /** Target engine; decides the NaN test and the array subscript syntax. */
  readonly engine: EngineId
  /** SQL for a feature's value in the current row, already quoted (e.g. `f."pace_score"`). */
  readonly column: (featureName: string) => string
  /** Input column names in training order, for a model without `feature_id`s (see featureNames). */
  readonly featureNames?: readonly string[]
  /**
   * The columns hold NULL for a missing value and never NaN (renderPreparedInput, selected once per row
   * below the expression): each split is then one comparison without the NaN test, about a quarter less
   * work on DuckDB for the same result.
   */
  readonly preparedInputs?: boolean
}

interface EngineSyntax {
  readonly isNan: (sql: string) => string
  /** Pick element `index` (0-based SQL integer expression) of an array literal. */
  readonly element: (array: string, index: string) => string
}

const ENGINE_SYNTAX: Record<EngineId, EngineSyntax> = {
  // DuckDB lists are 1-based; NaN compares greater than every number, so it is tested explicitly.
  duckdb: { isNan: (x) => `isnan(${x})`, element: (a, i) => `${a}[${i} + 1]` },
  bigquery: { isNan: (x) => `IS_NAN(${x})`, element: (a, i) => `${a}[OFFSET(${i})]` },
}

/**
 * One SQL scalar expression (parenthesised) evaluating the model for the current row. Its size
 * grows with the number of trees and splits, never with rows. NULL and NaN inputs are missing and
 * follow each feature's `nan_value_treatment`; the result is never NULL.
 */
export function renderCatBoostExpression(model: CatBoostModel, options: RenderCatBoostOptions): string {
  const syntax = ENGINE_SYNTAX[options.engine]
  const names = featureNames(model, options.featureNames)
  const missingGreater = new Map(floatFeatures(model).map((f) => [f.feature_index, isMissingGreater(f)]))
  const columns = new Map<number, string>()
  const columnOf = (featureIndex: number): string => {
    let sql = columns.get(featureIndex)
    if (sql === undefined) {
      sql = wrap(options.column(names[featureIndex]!))
      columns.set(featureIndex, sql)
    }
    return sql
  }
  const trees = model.oblivious_trees.map((tree) =>
    renderTree(tree, syntax, columnOf, missingGreater, options.preparedInputs === true),
  )
  const [scale, bias] = scaleAndBias(model)
  const sum = trees.length === 0 ? '0e0' : balancedSum(trees)
  const note = `/* catboost: ${trees.length} trees; x > t tests float32(x) > border */`
  return `(${note} ${renderDouble(scale)} * ${sum} + ${renderDouble(bias)})`
}

function renderTree(
  tree: CatBoostTree,
  syntax: EngineSyntax,
  columnOf: (featureIndex: number) => string,
  missingGreater: ReadonlyMap<number, boolean>,
  prepared: boolean,
): string {
  const leaves = `[${tree.leaf_values.map(renderDouble).join(', ')}]`
  if (tree.splits.length === 0) return leaves.slice(1, -1)
  const bits = tree.splits.map((split, depth) => {
    const featureIndex = split.float_feature_index ?? 0
    const x = columnOf(featureIndex)
    const { value, inclusive } = float32GreaterThreshold(split.border ?? 0)
    const greater = `${x} ${inclusive ? '>=' : '>'} ${renderDouble(value)}`
    // Prepared: a missing value is NULL, so the comparison is NULL and the bit 0 unless missing counts as greater.
    const condition = prepared
      ? missingGreater.get(featureIndex)
        ? `COALESCE(${greater}, TRUE)`
        : greater
      : missingGreater.get(featureIndex)
        ? `${greater} OR ${x} IS NULL OR ${syntax.isNan(x)}`
        : `${greater} AND NOT ${syntax.isNan(x)}`
    return `CASE WHEN ${condition} THEN ${2 ** depth} ELSE 0 END`
  })
  return syntax.element(leaves, bits.join(' + '))
}

/** A feature's value as `preparedInputs` expects it: NaN turned to NULL (both are missing to the model). */
export function renderPreparedInput(engine: EngineId, sql: string): string {
  const x = wrap(sql)
  return `CASE WHEN ${ENGINE_SYNTAX[engine].isNan(x)} THEN NULL ELSE ${x} END`
}

/** `(a + b)` nested as in pairwiseSum: the first half holds floor(n / 2) terms. */
function balancedSum(terms: readonly string[]): string {
  if (terms.length === 1) return terms[0]!
  const middle = terms.length >> 1
  return `(${balancedSum(terms.slice(0, middle))}\n + ${balancedSum(terms.slice(middle))})`
}

/** A column expression other than a plain (qualified, quoted) name gets parentheses. */
function wrap(sql: string): string {
  return /^[\w."`]+$/.test(sql) ? sql : `(${sql})`
}

/** Float64 literal text typed DOUBLE in DuckDB and FLOAT64 in BigQuery (`2.5e0`, `1e-7`). */
export function renderDouble(value: number): string {
  if (!Number.isFinite(value)) {
    throw new ModelError('sql', [{ path: '', message: `cannot render ${value} as a SQL literal` }], 'model-sql-number')
  }
  const text = String(value)
  return text.includes('e') ? text : `${text}e0`
}

/**
 * The float64 threshold equivalent to CatBoost's float32 comparison: for every non-NaN float64 x,
 * `Math.fround(x) > Math.fround(border)` equals `inclusive ? x >= value : x > value`.
 * float32(x) exceeds b exactly when it reaches the next float32 n above b, i.e. when x is at least
 * the midpoint m of b and n; at m itself round-half-to-even picks whichever of b, n has an even
 * significand, so m counts only when n is even. m is exact in float64 (25 significant bits).
 */
export function float32GreaterThreshold(border: number): { value: number; inclusive: boolean } {
  const b = Math.fround(border)
  const bits = new Int32Array(new Float32Array([b]).buffer)[0]!
  if (b === Infinity) return { value: Infinity, inclusive: false }
  if (b === -Infinity) return { value: -FLOAT32_OVERFLOW, inclusive: false }
  // Largest finite float32: values from MAX + half an ulp up round to +Infinity.
  if (bits === 0x7f7fffff) return { value: FLOAT32_OVERFLOW, inclusive: true }
  const nextBits = b === 0 ? 1 : bits > 0 ? bits + 1 : bits - 1
  const next = new Float32Array(new Int32Array([nextBits]).buffer)[0]!
  return { value: (b + next) / 2, inclusive: (nextBits & 1) === 0 }
}

// 2^128 - 2^103: the midpoint between the largest float32 and 2^128.
const FLOAT32_OVERFLOW = 3.4028235677973366e38

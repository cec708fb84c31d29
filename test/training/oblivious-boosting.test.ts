import { describe, expect, it } from 'vitest'

import {
  evaluateCatBoostVector,
  featureNames,
  ModelError,
  parseCatBoostModel,
  serializeCatBoostModel,
} from '../../src/models/index.js'
import type { CatBoostModel } from '../../src/models/index.js'
import { trainObliviousBoosting } from '../../scripts/training/oblivious-boosting.js'
import type { ObliviousBoostingParams } from '../../scripts/training/oblivious-boosting.js'
import { trainFromRows, V8_MODEL_FEATURES } from '../../scripts/train-model.js'
import type { TrainingRow } from '../../scripts/train-model.js'
import { mulberry32 as prng } from '../../scripts/seed/prng.js'

const NAMES = ['level', 'flag', 'wave', 'sometimes_missing', 'noise']

/** y = 2*level + 5*[flag > 0.5] + 3*sin(wave) + (4 when sometimes_missing is missing) + small noise. */
function syntheticData(rows: number, seed: number): { features: number[][]; target: number[] } {
  const random = prng(seed)
  const features: number[][] = []
  const target: number[] = []
  for (let r = 0; r < rows; r++) {
    const x = [random() * 10, random(), random() * 6, random() < 0.2 ? NaN : random(), random()]
    features.push(x)
    target.push(
      2 * x[0]! + (x[1]! > 0.5 ? 5 : 0) + 3 * Math.sin(x[2]!) + (Number.isNaN(x[3]!) ? 4 : 0) + (random() - 0.5) * 0.5,
    )
  }
  return { features, target }
}

const PARAMS: ObliviousBoostingParams = {
  iterations: 80,
  depth: 4,
  learningRate: 0.2,
  borderCount: 64,
  l2LeafReg: 3,
  seed: 7,
}

function train(features: number[][], target: number[]): CatBoostModel {
  return trainObliviousBoosting({ ...PARAMS, features, target, featureNames: NAMES })
}

function mae(predictions: readonly number[], target: readonly number[]): number {
  return predictions.reduce((sum, p, i) => sum + Math.abs(p - target[i]!), 0) / target.length
}

describe('trainObliviousBoosting', () => {
  const data = syntheticData(3000, 1)
  const holdout = syntheticData(1000, 2)
  const model = train(data.features, data.target)

  it('reduces MAE well below a constant predictor on held-out rows', () => {
    const mean = data.target.reduce((a, b) => a + b, 0) / data.target.length
    const constant = mae(
      holdout.target.map(() => mean),
      holdout.target,
    )
    const trained = mae(
      holdout.features.map((x) => evaluateCatBoostVector(model, x)),
      holdout.target,
    )
    expect(constant).toBeGreaterThan(4)
    expect(trained).toBeLessThan(0.15 * constant)
  })

  it('is deterministic: two runs give byte-identical JSON', () => {
    const again = train(
      data.features.map((x) => [...x]),
      [...data.target],
    )
    expect(serializeCatBoostModel(again)).toBe(serializeCatBoostModel(model))
  })

  it('writes JSON that parses and evaluates identically', () => {
    const text = serializeCatBoostModel(model)
    const parsed = parseCatBoostModel(JSON.parse(text), 'trained.json')
    expect(featureNames(parsed)).toEqual(NAMES)
    for (const x of holdout.features.slice(0, 200)) {
      expect(evaluateCatBoostVector(parsed, x)).toBe(evaluateCatBoostVector(model, x))
    }
    expect(serializeCatBoostModel(parsed)).toBe(text)
  })

  it('exports CatBoost nan_mode Min features and consistent split indexes', () => {
    const features = model.features_info.float_features!
    expect(features.map((f) => [f.has_nans, f.nan_value_treatment])).toEqual([
      [false, 'AsIs'],
      [false, 'AsIs'],
      [false, 'AsIs'],
      [true, 'AsFalse'],
      [false, 'AsIs'],
    ])
    const offsets = features.map((_, f) => features.slice(0, f).reduce((n, g) => n + (g.borders?.length ?? 0), 0))
    for (const tree of model.oblivious_trees) {
      expect(tree.leaf_values).toHaveLength(2 ** tree.splits.length)
      for (const split of tree.splits) {
        const borders = features[split.float_feature_index!]!.borders!
        expect(Math.fround(split.border!)).toBe(split.border)
        expect(split.split_index).toBe(offsets[split.float_feature_index!]! + borders.indexOf(split.border!))
      }
    }
    expect(model.scale_and_bias![0]).toBe(1)
  })

  it('sends missing values to the not-greater side (learns the missing effect)', () => {
    const row = [5, 0.2, 1, 0.5, 0.5]
    const missing = evaluateCatBoostVector(model, [5, 0.2, 1, NaN, 0.5])
    expect(missing - evaluateCatBoostVector(model, row)).toBeGreaterThan(3)
  })

  it('rejects inconsistent input with a ModelError', () => {
    expect(() =>
      trainObliviousBoosting({ ...PARAMS, features: [[1, 2]], target: [1, 2], featureNames: ['a', 'b'] }),
    ).toThrow(ModelError)
    expect(() =>
      trainObliviousBoosting({ ...PARAMS, depth: 0, features: [[1]], target: [1], featureNames: ['a'] }),
    ).toThrow(/depth/)
  })
})

describe('trainFromRows (scripts/train-model.ts)', () => {
  it('trains on the earlier dates and reports train and validation MAE', () => {
    const random = prng(9)
    const rows: TrainingRow[] = []
    for (let day = 0; day < 40; day++) {
      const gameDate = new Date(Date.UTC(2024, 10, 1 + day)).toISOString().slice(0, 10)
      for (let p = 0; p < 25; p++) {
        const row: Record<string, unknown> = { game_date: gameDate, player_lookup: `player${p}` }
        for (const name of V8_MODEL_FEATURES) row[name] = random() < 0.1 ? null : random() * 30
        row.points = Math.round(0.9 * ((row.points_avg_last_10 as number | null) ?? 12) + random() * 4)
        rows.push(row as unknown as TrainingRow)
      }
    }
    const result = trainFromRows(rows, { params: { iterations: 40, depth: 4 } })
    expect(featureNames(result.model)).toEqual([...V8_MODEL_FEATURES])
    expect(result.trainRows + result.validationRows).toBe(rows.length)
    expect(result.validationRows).toBe(8 * 25)
    expect(result.trainMae).toBeLessThan(result.validationMae + 1)
    expect(result.validationMae).toBeLessThan(5)
  })
})

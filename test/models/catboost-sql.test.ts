import { readFileSync } from 'node:fs'

import { DuckDBInstance } from '@duckdb/node-api'
import type { DuckDBConnection } from '@duckdb/node-api'
import { parse } from 'sql-parser-cst'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  evaluateCatBoost,
  evaluateCatBoostVector,
  featureNames,
  float32GreaterThreshold,
  ModelError,
  parseCatBoostModel,
  renderCatBoostExpression,
  renderDouble,
} from '../../src/models/index.js'
import type { CatBoostModel, FeatureValue } from '../../src/models/index.js'
import { trainObliviousBoosting } from '../../scripts/training/oblivious-boosting.js'
import { mulberry32 as prng } from '../../scripts/seed/prng.js'
import { appendDoubleRows } from '../support/double-rows.js'

const FIXTURES = new URL('../fixtures/models/', import.meta.url)

function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'))
}

function handMade(): CatBoostModel {
  return parseCatBoostModel(readFixture('hand-made.json'), 'test/fixtures/models/hand-made.json')
}

type Row = Record<string, FeatureValue>

let instance: DuckDBInstance
let connection: DuckDBConnection
let tableCount = 0

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:')
  connection = await instance.connect()
})

afterAll(() => {
  connection.closeSync()
  instance.closeSync()
})

/** Load rows into a fresh DOUBLE table; returns its name. */
async function loadRows(columns: readonly string[], rows: readonly Row[]): Promise<string> {
  const table = `t${tableCount++}`
  await connection.run(`CREATE TABLE ${table} (id INTEGER, ${columns.map((c) => `"${c}" DOUBLE`).join(', ')})`)
  await appendDoubleRows(connection, table, columns, rows)
  return table
}

async function predictInDuckDb(model: CatBoostModel, table: string, names?: readonly string[]): Promise<number[]> {
  const expression = renderCatBoostExpression(model, {
    engine: 'duckdb',
    column: (name) => `${table}."${name}"`,
    ...(names ? { featureNames: names } : {}),
  })
  const result = await connection.runAndReadAll(`SELECT id, ${expression} AS p FROM ${table} ORDER BY id`)
  return result.getRowObjectsJS().map((r) => r.p as number)
}

function expectAllClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length)
  const worst = Math.max(0, ...actual.map((a, i) => Math.abs(a - expected[i]!)))
  expect(worst).toBeLessThanOrEqual(1e-9)
}

/** Values around every border of a feature: the border, its float32 rounding, the float64 threshold and neighbours. */
function edgeValues(borders: readonly number[]): number[] {
  const out: number[] = []
  for (const border of borders) {
    const { value } = float32GreaterThreshold(border)
    out.push(
      border,
      Math.fround(border),
      value,
      nextDouble(value, 1),
      nextDouble(value, -1),
      nextDouble(border, 1),
      nextDouble(border, -1),
    )
  }
  return out
}

function nextDouble(x: number, direction: 1 | -1): number {
  const f = new Float64Array([x])
  const bits = new BigInt64Array(f.buffer)
  if (x === 0) return direction * 5e-324
  bits[0]! += BigInt(direction * Math.sign(x))
  return f[0]!
}

function randomRows(columns: Record<string, readonly number[]>, count: number, seed: number): Row[] {
  const random = prng(seed)
  return Array.from({ length: count }, () => {
    const row: Row = {}
    for (const [name, edges] of Object.entries(columns)) {
      const u = random()
      row[name] =
        u < 0.08
          ? null
          : u < 0.12
            ? NaN
            : u < 0.45
              ? edges[Math.floor(random() * edges.length)]!
              : (random() - 0.4) * 10
    }
    return row
  })
}

describe('hand-made model', () => {
  // Trees (first split = low bit): T0 [a>1.5] -> [1, 2]; T1 [b>0.25, a>3] -> [10, 20, 30, 40];
  // T2 [c>-2, b>0.25, c>0.1] -> [0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, -3.5]; T3 [a>1.5, c>0.1]
  // -> [100, 200, 300, 400]; prediction = 0.5 * sum + 7.25. Missing: a AsFalse -> 0, b AsTrue
  // (has_nans) -> 1, c AsIs -> 0.
  const cases: { name: string; row: Row; expected: number }[] = [
    // 1 + 10 + -0.5 + 100 = 110.5
    { name: 'all low', row: { a: 0, b: 0, c: 0 }, expected: 62.5 },
    // 1 + 20 (b missing -> 1) + 1.5 (idx 2) + 100 = 122.5
    { name: 'all missing (null)', row: { a: null, b: null, c: null }, expected: 68.5 },
    { name: 'all missing (absent)', row: {}, expected: 68.5 },
    { name: 'values equal to borders go left', row: { a: 1.5, b: 0.25, c: 0.1 }, expected: 62.5 },
    // 2 + 40 + -3.5 + 400 = 438.5
    { name: 'all high', row: { a: 3.5, b: 1, c: 5 }, expected: 226.5 },
    // T1: b -> bit 0 = 0, a > 3 -> bit 1 = 1: leaf 2 (30), not leaf 1 (20). 2 + 30 + 0.5 + 200 = 232.5
    { name: 'first split is the low bit', row: { a: 3.5, b: 0, c: -3 }, expected: 123.5 },
    // c = 0.1000000016 rounds to float32(0.1) = the border, so c > 0.1 is false as in CatBoost;
    // b NaN is missing -> 1. 2 + 20 + -1.5 + 200 = 220.5
    { name: 'float32 rounding and NaN', row: { a: 2, b: NaN, c: 0.1000000016 }, expected: 117.5 },
  ]

  it('parses and keeps keys it does not use', () => {
    const model = handMade()
    expect(model.oblivious_trees).toHaveLength(4)
    expect(model.model_info?.note).toContain('hand-made')
    expect(featureNames(model)).toEqual(['a', 'b', 'c'])
  })

  for (const { name, row, expected } of cases) {
    it(`predicts the hand-computed value: ${name}`, () => {
      expect(evaluateCatBoost(handMade(), row)).toBe(expected)
    })
  }

  it('predicts the same from a training-order vector', () => {
    expect(evaluateCatBoostVector(handMade(), [3.5, 0, -3])).toBe(123.5)
    expect(evaluateCatBoostVector(handMade(), [null, null, null])).toBe(68.5)
  })

  it('evaluates the hand-computed rows in DuckDB', async () => {
    const model = handMade()
    const table = await loadRows(
      ['a', 'b', 'c'],
      cases.map((c) => c.row),
    )
    expect(await predictInDuckDb(model, table)).toEqual(cases.map((c) => c.expected))
  })

  it('equals the TypeScript evaluator in DuckDB on pseudo-random rows with NULL, NaN and borders', async () => {
    const model = handMade()
    const rows = randomRows({ a: edgeValues([1.5, 3]), b: edgeValues([0.25]), c: edgeValues([-2, 0.1]) }, 400, 7)
    expect(rows.filter((r) => r.b === null).length).toBeGreaterThan(10)
    expect(rows.filter((r) => Number.isNaN(r.c)).length).toBeGreaterThan(5)
    const table = await loadRows(['a', 'b', 'c'], rows)
    expectAllClose(
      await predictInDuckDb(model, table),
      rows.map((r) => evaluateCatBoost(model, r)),
    )
  })

  it('reads INTEGER and DECIMAL columns', async () => {
    const model = handMade()
    await connection.run(`CREATE TABLE typed AS SELECT * FROM (VALUES
      (0, 2::INTEGER, 1::INTEGER, 0.1::DECIMAL(6, 3)), (1, NULL, NULL, -2.5::DECIMAL(6, 3)), (2, 4, 0, 3.25)) v(id, a, b, c)`)
    const expression = renderCatBoostExpression(model, { engine: 'duckdb', column: (n) => `typed."${n}"` })
    const result = await connection.runAndReadAll(`SELECT ${expression} AS p FROM typed ORDER BY id`)
    const expected = [
      { a: 2, b: 1, c: 0.1 },
      { a: null, b: null, c: -2.5 },
      { a: 4, b: 0, c: 3.25 },
    ].map((r) => evaluateCatBoost(model, r))
    expectAllClose(
      result.getRowObjectsJS().map((r) => r.p as number),
      expected,
    )
  })

  it('renders BigQuery SQL that parses', () => {
    const expression = renderCatBoostExpression(handMade(), { engine: 'bigquery', column: (n) => `\`${n}\`` })
    expect(expression).toContain('[OFFSET(')
    expect(expression).toContain('IS_NAN(`b`)')
    expect(() => parse(`SELECT ${expression} AS p FROM t`, { dialect: 'bigquery' })).not.toThrow()
  })
})

describe('model validation', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests damage arbitrary fields of the JSON
  function withChange(change: (model: any) => void): unknown {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const json = readFixture('hand-made.json') as any
    change(json)
    return json
  }

  function errorOf(json: unknown): ModelError {
    try {
      parseCatBoostModel(json, 'includes/models/bad.json')
    } catch (error) {
      if (error instanceof ModelError) return error
      throw error
    }
    throw new Error('expected a ModelError')
  }

  it('rejects multi-dimensional leaf values, naming the file', () => {
    const error = errorOf(
      withChange((m) => {
        for (const tree of m.oblivious_trees) tree.leaf_values = [...tree.leaf_values, ...tree.leaf_values]
        delete m.oblivious_trees[0].leaf_weights
        delete m.oblivious_trees[1].leaf_weights
      }),
    )
    expect(error.message).toContain('includes/models/bad.json')
    expect(error.message).toContain('approx dimension 2')
  })

  it('rejects non-float splits and unknown features with their paths', () => {
    const error = errorOf(
      withChange((m) => {
        m.oblivious_trees[2].splits[0].split_type = 'OnlineCtr'
        m.oblivious_trees[3].splits[1].float_feature_index = 9
      }),
    )
    expect(error.issues.map((i) => i.path)).toEqual([
      'oblivious_trees[2].splits[0].split_type',
      'oblivious_trees[3].splits[1].float_feature_index',
    ])
  })

  it('rejects a loss whose raw value is not the prediction', () => {
    const error = errorOf(
      withChange((m) => {
        m.model_info.params.loss_function = { type: 'Logloss' }
      }),
    )
    expect(error.issues.map((i) => i.path)).toEqual(['model_info.params.loss_function.type'])
  })

  it('reports schema errors by path', () => {
    const error = errorOf(
      withChange((m) => {
        m.oblivious_trees[1].leaf_values[2] = 'x'
      }),
    )
    expect(error.issues[0]?.path).toBe('oblivious_trees[1].leaf_values[2]')
  })

  it('rejects categorical features and a leaf count that is not 2^depth', () => {
    const error = errorOf(
      withChange((m) => {
        m.features_info.categorical_features = [{ feature_index: 0, flat_feature_index: 3 }]
        m.oblivious_trees[0].leaf_values = [1, 2, 3]
      }),
    )
    expect(error.issues.map((i) => i.path)).toEqual([
      'features_info.categorical_features',
      'oblivious_trees[0].leaf_values',
    ])
  })

  it('needs explicit names for a model without feature_id, and checks them against feature_id', () => {
    const unnamed = parseCatBoostModel(
      withChange((m) => {
        for (const f of m.features_info.float_features) delete f.feature_id
      }),
      'unnamed.json',
    )
    expect(() => featureNames(unnamed)).toThrow(/no feature_id/)
    expect(featureNames(unnamed, ['x', 'y', 'z'])).toEqual(['x', 'y', 'z'])
    expect(evaluateCatBoost(unnamed, { x: 3.5, y: 0, z: -3 }, { featureNames: ['x', 'y', 'z'] })).toBe(123.5)
    expect(() => featureNames(handMade(), ['a', 'c', 'b'])).toThrow(/differs/)
  })
})

describe('number rendering and float32 thresholds', () => {
  it('renders literals DuckDB types as DOUBLE and that round-trip', async () => {
    const values = [2.5, 0.1, -3, 0, 1e-7, 1.5e21, 0.30000000000000004, -2.2204460823375377e-18]
    const sql = values.map((v, i) => `${renderDouble(v)} AS v${i}, typeof(${renderDouble(v)}) AS t${i}`).join(', ')
    const row = (await connection.runAndReadAll(`SELECT ${sql}`)).getRowObjectsJS()[0]!
    values.forEach((v, i) => {
      expect(row[`v${i}`]).toBe(v)
      expect(row[`t${i}`]).toBe('DOUBLE')
    })
  })

  it('matches Math.fround(x) > Math.fround(border) around random borders', () => {
    const random = prng(3)
    const borders = [0, 0.5, -0.5, 0.1, 22.4, 1e-45, -1e-45, 3.4028234663852886e38, -3.4028234663852886e38]
    for (let i = 0; i < 300; i++) borders.push((random() - 0.5) * 10 ** Math.floor(random() * 16 - 8))
    for (const border of borders) {
      const { value, inclusive } = float32GreaterThreshold(border)
      for (const x of edgeValues([border])) {
        expect(inclusive ? x >= value : x > value).toBe(Math.fround(x) > Math.fround(border))
      }
    }
  })
})

describe('trained model', () => {
  const names = ['x0', 'x1', 'x2', 'x3', 'x4']
  const random = prng(11)
  const features = Array.from({ length: 2000 }, () => [
    random() * 10,
    random() < 0.5 ? 0 : 1,
    random() < 0.15 ? NaN : Math.round(random() * 20) / 4,
    random() * 2 - 1,
    random() < 0.3 ? NaN : random(),
  ])
  const target = features.map((x) => 2 * x[0]! + 3 * x[1]! + (Number.isNaN(x[2]!) ? 5 : x[2]!) + random())
  const model = trainObliviousBoosting({
    features,
    target,
    featureNames: names,
    iterations: 30,
    depth: 4,
    learningRate: 0.3,
    borderCount: 32,
    l2LeafReg: 3,
    seed: 1,
  })

  it('equals the TypeScript evaluator in DuckDB on its training rows and on rows with NULL and NaN', async () => {
    const edges = Object.fromEntries(
      names.map((n, f) => [n, edgeValues(model.features_info.float_features![f]!.borders ?? [])]),
    )
    const rows: Row[] = [
      ...features.map((x) => Object.fromEntries(names.map((n, f) => [n, x[f]]))),
      ...randomRows(edges, 300, 5),
    ]
    const table = await loadRows(names, rows)
    expectAllClose(
      await predictInDuckDb(model, table),
      rows.map((r) => evaluateCatBoost(model, r)),
    )
  })

  it('renders BigQuery SQL that parses', () => {
    const expression = renderCatBoostExpression(model, { engine: 'bigquery', column: (n) => `f.\`${n}\`` })
    expect(() => parse(`SELECT ${expression} AS p FROM t AS f`, { dialect: 'bigquery' })).not.toThrow()
  })
})

describe('real CatBoost export (kiwicom/catboost-cxx xor model)', () => {
  const expected = readFixture('catboost-cxx-xor.json') as { x: number[][]; y: number[] }
  const model = parseCatBoostModel(
    readFixture('catboost-cxx-xor-model.json'),
    'test/fixtures/models/catboost-cxx-xor-model.json',
  )

  it('parses unchanged and has no feature names', () => {
    expect(model.oblivious_trees).toHaveLength(50)
    expect(model.scale_and_bias).toBeUndefined()
    expect(() => featureNames(model)).toThrow(ModelError)
  })

  it('reproduces the predictions CatBoost made', () => {
    expected.x.forEach((x, i) => {
      expect(Math.abs(evaluateCatBoostVector(model, x) - expected.y[i]!)).toBeLessThan(1e-12)
      expect(evaluateCatBoost(model, { f0: x[0], f1: x[1] }, { featureNames: ['f0', 'f1'] })).toBe(
        evaluateCatBoostVector(model, x),
      )
    })
  })

  it('evaluates the same in DuckDB', async () => {
    const table = await loadRows(
      ['f0', 'f1'],
      expected.x.map((x) => ({ f0: x[0], f1: x[1] })),
    )
    const sqlPredictions = await predictInDuckDb(model, table, ['f0', 'f1'])
    expectAllClose(sqlPredictions, expected.y)
    expectAllClose(
      sqlPredictions,
      expected.x.map((x) => evaluateCatBoostVector(model, x)),
    )
  })
})

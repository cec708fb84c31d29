import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ActionContext } from '../../src/index.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { evaluateCatBoost, float32GreaterThreshold, floatFeatures } from '../../src/models/index.js'
import type { CatBoostModel, FeatureValue } from '../../src/models/index.js'
import { FEATURE_NAMES } from '../../includes/feature-catalog.js'
import {
  CATBOOST_V8,
  MODEL_INPUTS,
  MODEL_VERSION,
  loadModel,
  modelExpression,
  modelInputs,
  vectorColumn,
} from '../../definitions/predictions/model.js'
import { memoryAdapter } from '../support/fixtures.js'
import { mulberry32 as prng } from '../../scripts/seed/prng.js'
import { appendDoubleRows } from '../support/double-rows.js'

/**
 * The model as the prediction query evaluates it (definitions/predictions/model.ts: the bundled JSON
 * rendered by renderCatBoostExpression over the vector columns) equals the TypeScript reference
 * evaluator on every row of a fixture, to 1e-9, on DuckDB.
 */
const HAND_MADE_PATH = new URL('../fixtures/predictions/hand-made-v8.json', import.meta.url)
const handMade = loadModel(readFileSync(HAND_MADE_PATH, 'utf8'), 'test/fixtures/predictions/hand-made-v8.json').model
const DUCKDB = { engine: 'duckdb' } as ActionContext

type Row = Record<string, FeatureValue>

/** Rows over every catalog input: NULL, a border or its float32 threshold neighbours, or a value in range. */
function fixtureRows(model: CatBoostModel, count: number, seed: number): Row[] {
  const random = prng(seed)
  const borders = new Map(floatFeatures(model).map((f) => [f.feature_id ?? '', f.borders ?? []]))
  const edges = (name: string) =>
    (borders.get(name) ?? []).flatMap((b) => {
      const { value } = float32GreaterThreshold(b)
      return [b, Math.fround(b), value, value * (1 + 1e-15), value * (1 - 1e-15)]
    })
  return Array.from({ length: count }, () => {
    const row: Row = {}
    for (const name of FEATURE_NAMES) {
      const u = random()
      const near = edges(name)
      row[name] =
        u < 0.1 ? null : u < 0.45 && near.length ? near[Math.floor(random() * near.length)]! : (random() - 0.2) * 40
    }
    return row
  })
}

let adapter: DuckDbAdapter
let tables = 0

beforeAll(async () => {
  adapter = await memoryAdapter()
})
afterAll(async () => adapter.close())

const text = (fragment: { nodes: readonly unknown[] }) =>
  fragment.nodes.map((n) => (n as { text: string }).text).join('')

/** The model in SQL over the fixture: on the vector columns, or on the prepared inputs (NaN as NULL) below it. */
async function sqlPredictions(
  model: CatBoostModel,
  fixture: readonly Row[],
  inputs: 'vector' | 'prepared' = 'vector',
): Promise<number[]> {
  const table = `vectors_${tables++}`
  const columns = FEATURE_NAMES.map((n) => `${vectorColumn(n)} DOUBLE`).join(', ')
  await adapter.execute(`CREATE TABLE ${table} (id INTEGER, ${columns})`)
  await adapter.withConnection((connection) => appendDoubleRows(connection, table, FEATURE_NAMES, fixture))
  const expression = text(modelExpression(DUCKDB, 'v', model, inputs))
  const from =
    inputs === 'prepared'
      ? `(SELECT v.*, ${modelInputs(DUCKDB, 'v', model).map(text).join(', ')} FROM ${table} AS v)`
      : table
  const result = await adapter.query<{ p: number }>(`SELECT ${expression} AS p FROM ${from} AS v ORDER BY id`)
  return result.map((r) => r.p)
}

/** Every other row with its missing values as NaN instead of NULL (both are missing to the model). */
function withNaN(fixture: readonly Row[]): Row[] {
  return fixture.map((row, i) =>
    i % 2 ? Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? Number.NaN : v])) : row,
  )
}

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length)
  const worst = Math.max(...actual.map((a, i) => Math.abs(a - expected[i]!)))
  expect(worst).toBeLessThanOrEqual(1e-9)
}

describe('catboost_v8 evaluated in SQL (DuckDB) vs the TypeScript evaluator', () => {
  it('agrees on every row for a hand-made model with each missing-value treatment', async () => {
    const fixture = fixtureRows(handMade, 2000, 11)
    expectClose(
      await sqlPredictions(handMade, fixture),
      fixture.map((row) => evaluateCatBoost(handMade, row)),
    )
  })

  it('agrees on every row for the bundled model', async () => {
    const fixture = fixtureRows(CATBOOST_V8, 3000, 7)
    expectClose(
      await sqlPredictions(CATBOOST_V8, fixture),
      fixture.map((row) => evaluateCatBoost(CATBOOST_V8, row)),
    )
  })

  it('agrees on the prepared inputs (NaN as NULL, one comparison per split), NaN and NULL both missing', async () => {
    for (const [model, seed] of [
      [handMade, 13],
      [CATBOOST_V8, 17],
    ] as const) {
      const fixture = withNaN(fixtureRows(model, 2000, seed))
      expect(fixture.some((row) => Object.values(row).some((v) => Number.isNaN(v)))).toBe(true)
      const expected = fixture.map((row) => evaluateCatBoost(model, row))
      expectClose(await sqlPredictions(model, fixture, 'prepared'), expected)
      expectClose(await sqlPredictions(model, fixture, 'vector'), expected)
    }
  })
})

describe('the bundled model file', () => {
  it('takes catalog features by name and records its identity', () => {
    expect(MODEL_INPUTS.every((name) => FEATURE_NAMES.includes(name))).toBe(true)
    expect(MODEL_VERSION).toMatch(/^catboost_v8@[0-9a-f]{12}$/)
  })

  it('is small enough for BigQuery and DuckDB planning', () => {
    expect(CATBOOST_V8.oblivious_trees.length).toBeLessThanOrEqual(200)
    expect(Math.max(...CATBOOST_V8.oblivious_trees.map((t) => t.splits.length))).toBeLessThanOrEqual(6)
    const text = modelExpression({ engine: 'bigquery' } as ActionContext, 'v')
      .nodes.map((n) => (n as { text: string }).text)
      .join('')
    expect(text.length).toBeLessThan(400_000)
  })

  it('refuses a model whose inputs are not feature-store columns', () => {
    const json = readFileSync(HAND_MADE_PATH, 'utf8').replace('"points_avg_last_10"', '"pts_l10"')
    expect(() => loadModel(json, 'bad.json')).toThrow(/"pts_l10" are not feature-store columns/)
  })
})

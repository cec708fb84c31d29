// Train the bundled catboost_v8 model from the DuckDB warehouse and write its JSON.
//
//   npx tsx scripts/train-model.ts [--warehouse .pipeline/warehouse.duckdb] [--out includes/models/catboost_v8.json] [--season 2024]
//
// Rows: nba_predictions.ml_feature_store_v2 joined to nba_analytics.player_game_summary on
// (player_lookup, game_date, game_id) for the actual points; DNP rows (points IS NULL) skipped;
// one season (season_year 2024 = 2024-25 by default); early_season_flag not true. Inputs are the
// 34 catalog features (includes/feature-catalog.ts) read by name from the store's columns; NULL
// is missing (NaN), never 0.0 — exactly how the prediction query feeds them (no defaults), so
// training and serving see the same vector. The last 20% of game dates are held out for the
// validation MAE; the model written is then refit on the whole season with the same settings.
// Deterministic: same warehouse, same bytes.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

import { DuckDBInstance } from '@duckdb/node-api'
import { z } from 'zod'

import { FEATURE_NAMES } from '../includes/feature-catalog.js'
import { ConfigError, PipelineError } from '../src/core/errors.js'
import { evaluateCatBoostVector } from '../src/models/catboost-evaluator.js'
import { serializeCatBoostModel } from '../src/models/catboost-model.js'
import type { CatBoostModel } from '../src/models/catboost-model.js'
import { trainObliviousBoosting } from './training/oblivious-boosting.js'
import type { ObliviousBoostingParams } from './training/oblivious-boosting.js'

/** catboost_v8 inputs in model order (index = position): the feature catalog's 34. */
export const V8_MODEL_FEATURES: readonly string[] = FEATURE_NAMES

/**
 * 120 trees of depth 5, 64 borders: on the sample this model is as accurate on 2025-26 as 200
 * trees of depth 6 (hit rate within 0.005), while its JSON is ~140 KB and its SQL expression
 * stays far below BigQuery's 1 MB query limit and plans in milliseconds on DuckDB.
 */
export const DEFAULT_TRAINING_PARAMS: ObliviousBoostingParams = {
  iterations: 120,
  depth: 5,
  learningRate: 0.08,
  borderCount: 64,
  l2LeafReg: 3,
  seed: 0,
}

/** 2024 = the 2024-25 season (DOMAIN §1.1 season_year). */
export const DEFAULT_TRAINING_SEASON = 2024

/** The warehouse lacks the tables, columns or rows training needs. */
export class TrainingDataError extends PipelineError {
  constructor(message: string) {
    super('training-data-missing', message)
  }
}

/** Share of the latest game dates held out for the validation MAE. */
const VALIDATION_SHARE = 0.2

/**
 * Model inputs an older store may not hold as a column, and how to derive them (DOMAIN 3.1 #33:
 * 1.0 when pct_paint, pct_mid_range and pct_three are all present). The rebuild's store has it.
 */
const DERIVED_FEATURES: Readonly<Record<string, string>> = {
  has_shot_zone_data:
    'CASE WHEN f.pct_paint IS NOT NULL AND f.pct_mid_range IS NOT NULL AND f.pct_three IS NOT NULL THEN 1.0 ELSE 0.0 END',
}

/** One training row: the date, the actual points and each feature (NULL = missing). */
export interface TrainingRow {
  readonly game_date: string
  readonly player_lookup?: string
  readonly points: number
  readonly [feature: string]: unknown
}

export interface TrainFromRowsOptions {
  readonly features?: readonly string[]
  readonly params?: Partial<ObliviousBoostingParams>
  /** After the validation fit, train the returned model on every row (same settings). Default false. */
  readonly refitOnAll?: boolean
}

export interface TrainResult {
  readonly model: CatBoostModel
  readonly trainRows: number
  readonly validationRows: number
  readonly trainMae: number
  /** NaN when every row falls on one date (nothing to hold out). */
  readonly validationMae: number
  readonly trainMs: number
}

/** Split by date, train on the earlier rows, report MAE on both parts. */
export function trainFromRows(rows: readonly TrainingRow[], options: TrainFromRowsOptions = {}): TrainResult {
  const features = options.features ?? V8_MODEL_FEATURES
  const sorted = [...rows].sort((a, b) => compareRows(a, b))
  const dates = [...new Set(sorted.map((r) => r.game_date))]
  const firstValidationDate = dates[Math.min(dates.length - 1, Math.floor(dates.length * (1 - VALIDATION_SHARE)))]
  const validation = dates.length > 1 ? sorted.filter((r) => r.game_date >= firstValidationDate!) : []
  const train = dates.length > 1 ? sorted.filter((r) => r.game_date < firstValidationDate!) : sorted
  const started = performance.now()
  const model = trainObliviousBoosting({
    ...DEFAULT_TRAINING_PARAMS,
    ...options.params,
    features: train.map((r) => toVector(r, features)),
    target: train.map((r) => r.points),
    featureNames: features,
  })
  const final =
    options.refitOnAll && validation.length > 0
      ? trainObliviousBoosting({
          ...DEFAULT_TRAINING_PARAMS,
          ...options.params,
          features: sorted.map((r) => toVector(r, features)),
          target: sorted.map((r) => r.points),
          featureNames: features,
        })
      : model
  const trainMs = performance.now() - started
  return {
    model: final,
    trainRows: train.length,
    validationRows: validation.length,
    trainMae: meanAbsoluteError(model, train, features),
    validationMae: meanAbsoluteError(model, validation, features),
    trainMs,
  }
}

function compareRows(a: TrainingRow, b: TrainingRow): number {
  if (a.game_date !== b.game_date) return a.game_date < b.game_date ? -1 : 1
  const pa = a.player_lookup ?? ''
  const pb = b.player_lookup ?? ''
  return pa < pb ? -1 : pa > pb ? 1 : 0
}

function toVector(row: TrainingRow, features: readonly string[]): number[] {
  return features.map((name) => {
    const value = row[name]
    return typeof value === 'number' ? value : NaN // NULL (or absent) = missing
  })
}

function meanAbsoluteError(model: CatBoostModel, rows: readonly TrainingRow[], features: readonly string[]): number {
  if (rows.length === 0) return NaN
  let total = 0
  for (const row of rows) total += Math.abs(evaluateCatBoostVector(model, toVector(row, features)) - row.points)
  return total / rows.length
}

/** The training query for the columns the store has; a missing input without a derivation throws. */
export function buildTrainingQuery(
  storeColumns: ReadonlySet<string>,
  features: readonly string[] = V8_MODEL_FEATURES,
  season = DEFAULT_TRAINING_SEASON,
): string {
  const missing = features.filter((f) => !storeColumns.has(f) && DERIVED_FEATURES[f] === undefined)
  if (missing.length > 0) {
    throw new TrainingDataError(
      `nba_predictions.ml_feature_store_v2 lacks model input column(s) ${missing.map((m) => `"${m}"`).join(', ')}; rebuild the feature store or change V8_MODEL_FEATURES`,
    )
  }
  const select = features.map((f) =>
    storeColumns.has(f) ? `CAST(f."${f}" AS DOUBLE) AS "${f}"` : `CAST(${DERIVED_FEATURES[f]} AS DOUBLE) AS "${f}"`,
  )
  return `SELECT CAST(f.game_date AS VARCHAR) AS game_date, f.player_lookup, CAST(s.points AS DOUBLE) AS points,
  ${select.join(',\n  ')}
FROM nba_predictions.ml_feature_store_v2 AS f
JOIN nba_analytics.player_game_summary AS s
  ON s.player_lookup = f.player_lookup AND s.game_date = f.game_date AND s.game_id = f.game_id
WHERE s.points IS NOT NULL
  AND s.season_year = ${Math.trunc(season)}
  AND f.early_season_flag IS NOT TRUE
ORDER BY f.game_date, f.player_lookup`
}

/** Read the training rows from a DuckDB warehouse file, opened read-only. */
export async function readTrainingRows(warehouse: string, season = DEFAULT_TRAINING_SEASON): Promise<TrainingRow[]> {
  const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' })
  const connection = await instance.connect()
  try {
    const columns = await connection.runAndReadAll(`SELECT column_name FROM information_schema.columns
      WHERE table_schema = 'nba_predictions' AND table_name = 'ml_feature_store_v2'`)
    const names = new Set(columns.getRowObjectsJS().map((r) => String(r.column_name)))
    if (names.size === 0) {
      throw new TrainingDataError(
        `Table nba_predictions.ml_feature_store_v2 not found in "${warehouse}"; build the feature store first`,
      )
    }
    const result = await connection.runAndReadAll(buildTrainingQuery(names, V8_MODEL_FEATURES, season))
    return result.getRowObjectsJS() as unknown as TrainingRow[]
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

const argsSchema = z.strictObject({
  warehouse: z.string().min(1).default('.pipeline/warehouse.duckdb'),
  out: z.string().min(1).default('includes/models/catboost_v8.json'),
  season: z.coerce.number().int().min(2000).max(2100).default(DEFAULT_TRAINING_SEASON),
})

function parseArgs(argv: readonly string[]): z.input<typeof argsSchema> {
  const args: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const match = /^--(warehouse|out|season)(?:=(.*))?$/.exec(argv[i]!)
    if (!match)
      throw new ConfigError(`Unknown argument "${argv[i]}"; use --warehouse <file>, --out <file> and --season <year>`)
    const value = match[2] ?? argv[++i]
    if (value === undefined) throw new ConfigError(`Missing value for --${match[1]}`)
    args[match[1]!] = value
  }
  return args
}

/** CLI entry: returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: z.output<typeof argsSchema>
  try {
    args = argsSchema.parse(parseArgs(argv))
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    return 2
  }
  try {
    const rows = await readTrainingRows(resolve(args.warehouse), args.season)
    if (rows.length === 0)
      throw new TrainingDataError(`No training rows in "${args.warehouse}" for season_year ${args.season}`)
    const result = trainFromRows(rows, { refitOnAll: true })
    mkdirSync(dirname(resolve(args.out)), { recursive: true })
    writeFileSync(resolve(args.out), serializeCatBoostModel(result.model))
    console.log(
      `rows: ${result.trainRows} train, ${result.validationRows} validation (then refit on all ${rows.length})`,
    )
    console.log(`trained ${result.model.oblivious_trees.length} trees in ${(result.trainMs / 1000).toFixed(1)} s`)
    console.log(
      `MAE train ${result.trainMae.toFixed(3)}, validation ${Number.isNaN(result.validationMae) ? 'n/a' : result.validationMae.toFixed(3)}`,
    )
    console.log(`wrote ${args.out}`)
    return 0
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    return 1
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2))
}

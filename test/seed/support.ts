import { DuckDBInstance } from '@duckdb/node-api'
import type { DuckDBConnection } from '@duckdb/node-api'
import { SEED_TABLES, seedWarehouse } from '../../scripts/seed/index.js'
import { duckDbThreadsFromEnv } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { SeedOptions, SeedSummary } from '../../scripts/seed/index.js'

export interface SeededDb {
  readonly connection: DuckDBConnection
  readonly summary: SeedSummary
  readonly progress: readonly string[]
  /** Closes the connection and the database (the suite's workers are shared by files: isolate is off). */
  close(): void
}

/**
 * Seeds a fresh in-memory database; `threads` pins DuckDB's worker threads (default: PIPELINE_DUCKDB_THREADS,
 * which the suite sets to 1, else all cores).
 */
export async function seedInMemory(options: Partial<SeedOptions>, threads = duckDbThreadsFromEnv()): Promise<SeededDb> {
  const instance = await DuckDBInstance.create(':memory:', threads === undefined ? {} : { threads: String(threads) })
  const connection = await instance.connect()
  const close = () => {
    connection.closeSync()
    instance.closeSync()
  }
  const progress: string[] = []
  try {
    const summary = await seedWarehouse(connection, options, (message) => progress.push(message))
    return { connection, summary, progress, close }
  } catch (error) {
    close()
    throw error
  }
}

/** Rows as plain objects with BIGINT/HUGEINT/DECIMAL turned into numbers (test data stays small). */
export async function rows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql)
  return reader
    .getRowObjectsJS()
    .map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value]),
      ),
    )
}

/** The first row of a query, as numbers (NULL → NaN so a comparison fails loudly). */
export async function numbers(connection: DuckDBConnection, sql: string): Promise<Record<string, number>> {
  const [row] = await rows(connection, sql)
  return Object.fromEntries(
    Object.entries(row ?? {}).map(([key, value]) => [key, value === null ? Number.NaN : Number(value)]),
  )
}

/** Order-independent content checksum per seed table: sum of row hashes (duplicates count). */
export async function checksums(connection: DuckDBConnection): Promise<Record<string, string>> {
  const result: Record<string, string> = {}
  for (const table of SEED_TABLES) {
    const name = `${table.dataset}.${table.name}`
    const reader = await connection.runAndReadAll(
      `SELECT sum(hash(t)::HUGEINT)::VARCHAR AS c, count(*) AS n FROM ${name} t`,
    )
    const row = reader.getRowObjectsJS()[0]
    result[name] = `${String(row?.n)}:${String(row?.c)}`
  }
  return result
}

/** Ordinary least squares by normal equations with partial pivoting; returns the coefficients. */
export function leastSquares(features: readonly (readonly number[])[], target: readonly number[]): number[] {
  const width = features[0]?.length ?? 0
  const matrix = Array.from({ length: width }, () => new Array<number>(width + 1).fill(0))
  features.forEach((x, row) => {
    for (let a = 0; a < width; a += 1) {
      const line = matrix[a] as number[]
      for (let b = 0; b < width; b += 1) line[b] = (line[b] as number) + (x[a] as number) * (x[b] as number)
      line[width] = (line[width] as number) + (x[a] as number) * (target[row] as number)
    }
  })
  for (let pivot = 0; pivot < width; pivot += 1) {
    let best = pivot
    for (let r = pivot + 1; r < width; r += 1)
      if (Math.abs(matrix[r]![pivot]!) > Math.abs(matrix[best]![pivot]!)) best = r
    const swap = matrix[pivot]!
    matrix[pivot] = matrix[best]!
    matrix[best] = swap
    for (let r = 0; r < width; r += 1) {
      if (r === pivot) continue
      const factor = matrix[r]![pivot]! / matrix[pivot]![pivot]!
      for (let c = pivot; c <= width; c += 1) matrix[r]![c] = matrix[r]![c]! - factor * matrix[pivot]![c]!
    }
  }
  return matrix.map((line, index) => line[width]! / line[index]!)
}

export function meanAbsoluteError(actual: readonly number[], predicted: readonly number[]): number {
  return actual.reduce((sum, value, index) => sum + Math.abs(value - (predicted[index] as number)), 0) / actual.length
}

/** Fails with the measured value, the name and the tolerance in the message. */
export function expectBetween(value: number, low: number, high: number, what: string): void {
  // SEED_REPORT=1 prints every measured magnitude next to its tolerance.
  if (process.env.SEED_REPORT) console.log(`${what}: ${value.toFixed(4)} (tolerance ${low}-${high})`)
  if (!(value >= low && value <= high)) throw new Error(`${what}: ${value} is outside [${low}, ${high}]`)
}

/** Prop players' played games with the context lines (current, opening) and the inputs of a simple feature model. */
export const PROP_GAMES_SQL = `
  WITH played AS (
    SELECT * FROM nba_analytics.player_game_summary WHERE NOT is_dnp AND minutes_played > 0
  ),
  history AS (
    SELECT player_lookup, game_date, season_year,
      avg(points) OVER (PARTITION BY player_lookup ORDER BY game_date ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS l10,
      avg(points) OVER (PARTITION BY player_lookup ORDER BY game_date ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS l5,
      avg(points) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS UNBOUNDED PRECEDING) AS season_avg,
      avg(minutes_played::DOUBLE) OVER (PARTITION BY player_lookup ORDER BY game_date ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS m10
    FROM played
  ),
  allowed AS (
    SELECT opponent_team_abbr AS team, game_date,
      avg(offensive_rating) OVER (PARTITION BY opponent_team_abbr ORDER BY game_date ROWS BETWEEN 14 PRECEDING AND CURRENT ROW) AS def_rating
    FROM nba_analytics.team_offense_game_summary
  ),
  context AS (
    SELECT * FROM nba_analytics.upcoming_player_game_context
    QUALIFY row_number() OVER (PARTITION BY player_lookup, game_id ORDER BY created_at DESC) = 1
  )
  SELECT p.season_year, p.points::DOUBLE AS points, c.current_points_line::DOUBLE AS line, c.opening_points_line::DOUBLE AS opening, h.l10, h.l5, h.m10,
    CASE WHEN h.season_year = p.season_year THEN h.season_avg ELSE h.l10 END AS season_avg,
    c.star_teammates_out::DOUBLE AS stars_out, c.back_to_back::INTEGER::DOUBLE AS b2b, c.home_game::INTEGER::DOUBLE AS home,
    a.def_rating, coalesce(c.pace_differential, 0) AS pace_diff
  FROM played p JOIN context c USING (player_lookup, game_id)
  ASOF JOIN history h ON h.player_lookup = p.player_lookup AND p.game_date > h.game_date
  ASOF JOIN allowed a ON a.team = p.opponent_team_abbr AND p.game_date > a.game_date
  WHERE c.has_prop_line
  ORDER BY p.game_date, p.player_lookup`

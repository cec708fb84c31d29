import { DuckDBInstance } from '@duckdb/node-api'
import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api'
import { duckDbThreadsFromEnv } from '../../src/engines/duckdb/duckdb-adapter.js'

/**
 * The in-process DuckDB behind the endpoint. One connection, one job at a time: a BigQuery job (a statement
 * or a whole script with its transaction) runs alone, so scripts are atomic with respect to each other.
 */
export class Warehouse {
  readonly #instance: DuckDBInstance
  readonly #connection: DuckDBConnection
  #queue: Promise<unknown> = Promise.resolve()

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#instance = instance
    this.#connection = connection
  }

  static async open(): Promise<Warehouse> {
    const threads = duckDbThreadsFromEnv()
    const instance = await DuckDBInstance.create(':memory:', threads !== undefined ? { threads: String(threads) } : {})
    const connection = await instance.connect()
    // BigQuery computes in UTC; so must DuckDB for CURRENT_TIMESTAMP, DATE(ts) and casts.
    await connection.run("SET TimeZone = 'UTC'")
    return new Warehouse(instance, connection)
  }

  /** Runs `work` when every earlier job has finished. */
  exclusive<T>(work: (run: (sql: string) => Promise<DuckDBMaterializedResult>) => Promise<T>): Promise<T> {
    const next = this.#queue.then(() => work((sql) => this.#connection.run(sql)))
    this.#queue = next.catch(() => undefined)
    return next
  }

  close(): void {
    this.#connection.closeSync()
    this.#instance.closeSync()
  }
}

/** Columns of a DuckDB table, read through information_schema (inside an exclusive section). */
export async function describeColumns(
  run: (sql: string) => Promise<DuckDBMaterializedResult>,
  dataset: string,
  table: string,
): Promise<{ name: string; type: string; nullable: boolean }[]> {
  const result = await run(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = ${sqlString(dataset)} AND table_name = ${sqlString(table)} ORDER BY ordinal_position`,
  )
  const rows = (await result.getRowObjectsJS()) as { column_name: string; data_type: string; is_nullable: string }[]
  return rows.map((r) => ({ name: r.column_name, type: r.data_type, nullable: r.is_nullable === 'YES' }))
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

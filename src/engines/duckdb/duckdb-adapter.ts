import { mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api'
import { AdapterError, ConfigError } from '../../core/errors.js'
import { relationKey, usedParams } from '../adapter.js'
import { currentSession } from '../session-scope.js'
import type { Adapter, LiveColumn, LiveRelation, Row, Statement, StatementOptions } from '../adapter.js'
import type { Target } from '../dialect.js'
import { DUCKDB_TEMP_DATASET, duckDbDialect } from './duckdb-dialect.js'
import { duckDbTypeToBigQuery } from './duckdb-types.js'

export interface DuckDbAdapterOptions {
  /** Database file, or ':memory:'. */
  readonly path: string
  /** Most connections open at once (concurrent statements). Default 8. */
  readonly maxConnections?: number
  /** Open without write access (no file is created; fails while another process holds the file). Default false. */
  readonly readOnly?: boolean
  /** Threads DuckDB runs each statement on. Default: PIPELINE_DUCKDB_THREADS if set, else DuckDB's (every core). */
  readonly threads?: number
}

/**
 * WAL size past which the adapter checkpoints (DuckDB's own default threshold). DuckDB would do it inside
 * the commit that crosses it, making that statement wait; the adapter turns DuckDB's automatic checkpoint
 * off and checkpoints in the background instead, after that write, as the next write in its queue.
 */
const CHECKPOINT_AFTER_BYTES = 16 * 1024 * 1024
const NO_AUTOMATIC_CHECKPOINT = '1000GB'

/**
 * PIPELINE_DUCKDB_THREADS: the threads every DuckDB warehouse of the process runs on (set by the test suite, whose
 * workers share two cores), or undefined for DuckDB's default. Anything but a positive integer is refused.
 */
export function duckDbThreadsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.PIPELINE_DUCKDB_THREADS
  if (value === undefined || value === '') return undefined
  if (!/^[1-9]\d*$/.test(value))
    throw new ConfigError(
      `PIPELINE_DUCKDB_THREADS="${value}": not a positive whole number of threads; set it to 1 or more, or unset it for one per core`,
    )
  return Number(value)
}

/** DuckDB through @duckdb/node-api: datasets are schemas; every timestamp is UTC. */
export class DuckDbAdapter implements Adapter {
  readonly engine = 'duckdb' as const
  readonly dialect = duckDbDialect
  readonly #instance: DuckDBInstance
  readonly #idle: DuckDBConnection[] = []
  readonly #all: DuckDBConnection[] = []
  // DuckDB fails concurrent transactions that touch the same catalog ("write-write conflict"), and parallelises
  // each statement across cores anyway, so writes are serialised here while reads stay concurrent.
  #writeQueue: Promise<unknown> = Promise.resolve()
  /** The WAL file of a writable file, checkpointed in the background; null: DuckDB's automatic checkpoint. */
  readonly #walPath: string | null

  private constructor(instance: DuckDBInstance, walPath: string | null) {
    this.#instance = instance
    this.#walPath = walPath
  }

  static async open(options: DuckDbAdapterOptions): Promise<DuckDbAdapter> {
    if (options.path !== ':memory:' && !options.readOnly) mkdirSync(dirname(options.path), { recursive: true })
    const threads = options.threads ?? duckDbThreadsFromEnv()
    const background = options.path !== ':memory:' && !options.readOnly
    try {
      const instance = await DuckDBInstance.create(options.path, {
        ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}),
        ...(threads !== undefined ? { threads: String(threads) } : {}),
        ...(background ? { checkpoint_threshold: NO_AUTOMATIC_CHECKPOINT } : {}),
      })
      // DuckDB keeps a database's write-ahead log beside it, in `<path>.wal`.
      return new DuckDbAdapter(instance, background ? `${options.path}.wal` : null)
    } catch (error) {
      throw new AdapterError('duckdb', `open ${options.path}`, error)
    }
  }

  async #acquire(): Promise<DuckDBConnection> {
    const connection = this.#idle.pop() ?? (await this.#instance.connect())
    if (!this.#all.includes(connection)) this.#all.push(connection)
    return connection
  }

  readonly #pool = {
    acquire: () => this.#acquire(),
    release: (connection: DuckDBConnection) => void this.#idle.push(connection),
  }

  async #with<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    // Inside a session (the executor's, for an action staging in TEMP tables) one connection serves every call.
    const session = currentSession()
    if (session) return session.run(this.#pool, work)
    const connection = await this.#acquire()
    try {
      return await work(connection)
    } finally {
      this.#idle.push(connection)
    }
  }

  async #run(connection: DuckDBConnection, sql: string, options?: StatementOptions): Promise<DuckDBResultReader> {
    try {
      const params = usedParams(sql, options?.params, '$')
      return Object.keys(params).length
        ? await connection.runAndReadAll(sql, params as Record<string, string | number | boolean | null>)
        : await connection.runAndReadAll(sql)
    } catch (error) {
      throw new AdapterError('duckdb', sql, error)
    }
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#writeQueue.then(work, work)
    this.#writeQueue = next.catch(() => undefined)
    if (this.#walPath !== null) this.#checkpointAfter(next, this.#walPath)
    return next
  }

  /**
   * After a write: when the WAL outgrew CHECKPOINT_AFTER_BYTES, checkpoint as the next write in the queue,
   * on a connection of no session, while the caller goes on (reads, and stages into TEMP tables, run
   * meanwhile). The WAL's size is its file's (a commit has written it by then): no query in the queue.
   * A checkpoint that fails is left to the next one, or to the close.
   */
  #checkpointAfter(write: Promise<unknown>, walPath: string): void {
    const checkpoint = async () => {
      const wal = statSync(walPath, { throwIfNoEntry: false })?.size ?? 0
      if (wal <= CHECKPOINT_AFTER_BYTES) return
      const connection = await this.#acquire()
      try {
        await connection.run('CHECKPOINT')
      } finally {
        this.#idle.push(connection)
      }
    }
    this.#writeQueue = write.then(checkpoint, checkpoint).catch(() => undefined)
  }

  execute(sql: string, options?: StatementOptions): Promise<{ rowsChanged: number }> {
    const run = () => this.#with(async (c) => ({ rowsChanged: (await this.#run(c, sql, options)).rowsChanged }))
    // A TEMP table is in the connection's own catalog: no other connection's write can conflict with it.
    return options?.privateWrite ? run() : this.#serialized(run)
  }

  query<T extends Row = Row>(sql: string, options?: StatementOptions): Promise<T[]> {
    return this.#with(async (c) => readRows(await this.#run(c, sql, options)) as T[])
  }

  transaction(statements: readonly Statement[]): Promise<void> {
    return this.#serialized(() =>
      this.#with(async (c) => {
        await this.#run(c, 'BEGIN TRANSACTION')
        try {
          for (const statement of statements) await this.#run(c, statement.sql, statement)
          await this.#run(c, 'COMMIT')
        } catch (error) {
          await c.run('ROLLBACK').catch(() => undefined)
          throw error
        }
      }),
    )
  }

  // DuckDB bills nothing by bytes scanned.
  async estimateBytes(): Promise<null> {
    return null
  }

  async copyTable(from: Target, to: Target, options?: StatementOptions): Promise<void> {
    const d = this.dialect
    await this.execute(d.createOrReplaceTableAs(to, `SELECT * FROM ${d.formatTarget(from)}`), options)
  }

  async tableExists(target: Target): Promise<boolean> {
    return (await this.describeTable(target)) !== null
  }

  async describeTable(target: Target): Promise<LiveColumn[] | null> {
    return (await this.describeRelations([target])).get(relationKey(target))?.columns.slice() ?? null
  }

  /**
   * One query over duckdb_columns() for every target (information_schema.columns is a view over it, and
   * costs about as much for one table as this does for every table of a few schemas).
   */
  async describeRelations(targets: readonly Target[]): Promise<Map<string, LiveRelation | null>> {
    const columns = new Map<string, LiveColumn[]>(targets.map((t) => [relationKey(t), []]))
    const datasets = [...new Set(targets.map((t) => t.dataset))]
    // One table (describeTable): filtered by its name too, which DuckDB pushes into the catalogue scan.
    const only = targets.length === 1 ? targets[0]?.name : undefined
    const params = {
      ...Object.fromEntries(datasets.map((dataset, i) => [`d${i}`, dataset])),
      ...(only === undefined ? {} : { table: only }),
    }
    // A TEMP table lives in the connection's "temp" catalog, schema "main" (see DUCKDB_TEMP_DATASET).
    const where = datasets.map((dataset, i) =>
      dataset === DUCKDB_TEMP_DATASET
        ? `(database_name = 'temp' AND schema_name = 'main')`
        : `(database_name <> 'temp' AND schema_name = $d${i})`,
    )
    const rows = datasets.length
      ? await this.query<DuckDbColumnRow>(
          `SELECT CASE WHEN database_name = 'temp' THEN '${DUCKDB_TEMP_DATASET}' ELSE schema_name END AS dataset,
           table_name, column_name, data_type, is_nullable FROM duckdb_columns()
           WHERE (${where.join(' OR ')})${only === undefined ? '' : ' AND table_name = $table'} ORDER BY dataset, table_name, column_index`,
          { params },
        )
      : []
    for (const row of rows) {
      columns.get(relationKey({ dataset: row.dataset, name: row.table_name }))?.push({
        name: row.column_name,
        type: duckDbTypeToBigQuery(row.data_type),
        nullable: row.is_nullable,
      })
    }
    return new Map([...columns].map(([key, found]) => [key, found.length ? { columns: found } : null]))
  }

  describeQuery(sql: string): Promise<LiveColumn[]> {
    return this.#with(async (c) => {
      try {
        const prepared = await c.prepare(sql)
        return Array.from({ length: prepared.columnCount }, (_, i) => ({
          name: prepared.columnName(i),
          type: duckDbTypeToBigQuery(prepared.columnType(i).toString()),
          nullable: true,
        }))
      } catch (error) {
        throw new AdapterError('duckdb', sql, error)
      }
    })
  }

  /** The raw connection, for scripts that generate data with DuckDB-only SQL (seed). */
  withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#with(work)
  }

  async close(): Promise<void> {
    // A background checkpoint may still run on one of the connections.
    await this.#writeQueue.catch(() => undefined)
    for (const connection of this.#all) connection.closeSync()
    this.#all.length = 0
    this.#idle.length = 0
    this.#instance.closeSync()
  }
}

/** A column as duckdb_columns() lists it. */
interface DuckDbColumnRow extends Row {
  readonly dataset: string
  readonly table_name: string
  readonly column_name: string
  readonly data_type: string
  readonly is_nullable: boolean
}

function readRows(reader: DuckDBResultReader): Row[] {
  const types = reader.columnTypes().map((t) => t.toString())
  const names = reader.columnNames()
  return reader.getRowsJS().map((values) => {
    const row: Row = {}
    names.forEach((name, i) => {
      row[name] = normalize(values[i], types[i] ?? '')
    })
    return row
  })
}

function normalize(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  if (value instanceof Date) return type === 'DATE' ? value.toISOString().slice(0, 10) : value.toISOString()
  if (Array.isArray(value)) return value.map((v) => normalize(v, type.endsWith('[]') ? type.slice(0, -2) : ''))
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalize(v, '')]))
  }
  return value
}

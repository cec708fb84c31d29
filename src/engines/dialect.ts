import type { QueryCompiler } from 'kysely'
import type { ParamType, SqlFragment, SqlScalar } from '../sql/fragment.js'

/** Every engine the CLI accepts for --engine. */
export const ENGINE_IDS = ['duckdb', 'bigquery'] as const
export type EngineId = (typeof ENGINE_IDS)[number]

/** A table or view: a dataset (a DuckDB schema, a BigQuery dataset) and a name. */
export interface Target {
  readonly dataset: string
  readonly name: string
}

/** One column of a contract. `type` uses BigQuery spelling (STRING, INT64, NUMERIC(5,1), ARRAY<STRING>). */
export interface ColumnSpec {
  readonly name: string
  readonly type: string
  /** Default true. A NOT NULL column must be filled by every writer. */
  readonly nullable?: boolean
  readonly description?: string
}

/** Physical layout; BigQuery uses all of it, DuckDB ignores what it has no notion of. */
export interface TableOptions {
  readonly partitionBy?: string
  /** The partition column's type when known (BigQuery partitions a TIMESTAMP column by its DATE); default DATE. */
  readonly partitionType?: 'DATE' | 'TIMESTAMP'
  readonly clusterBy?: readonly string[]
  readonly requirePartitionFilter?: boolean
}

/** What an engine can do, so callers branch on capabilities, never on engine names. */
export interface DialectCapabilities {
  /** DDL and DML commit or roll back together inside one transaction. */
  readonly supportsTransactionalDdl: boolean
  /** Scans are billed by bytes, so dry runs report a cost. */
  readonly supportsDryRunCost: boolean
  /** Longest SQL text one statement may have, in characters; bulk writes split their rows to fit. */
  readonly maxStatementLength: number
}

/** SQL helpers for the functions that differ between engines; arguments and results are fragments. */
export interface SqlFunctions {
  /** a / b, NULL when b is 0 or NULL. */
  safeDivide(a: SqlFragment, b: SqlFragment): SqlFragment
  /** Number of rows where the condition holds (0 when none). */
  countIf(condition: SqlFragment): SqlFragment
  /** date + days (days may be negative). */
  dateAddDays(date: SqlFragment, days: SqlFragment | number): SqlFragment
  /** Whole days from `start` to `end`. */
  dateDiffDays(end: SqlFragment, start: SqlFragment): SqlFragment
  /** A JSON object from key → expression pairs, keys in the given order. */
  jsonObject(entries: readonly (readonly [string, SqlFragment])[]): SqlFragment
  /** Scalar value at a JSON path such as '$.final_score', as a string. */
  jsonValue(json: SqlFragment, path: string): SqlFragment
  /** Zero-based element of an array, NULL when out of range. */
  arrayAt(array: SqlFragment, zeroBasedIndex: SqlFragment | number): SqlFragment
  /** One-based part of a string split by a separator. */
  splitPart(value: SqlFragment, separator: string, oneBasedIndex: number): SqlFragment
  /** Cast that yields NULL instead of failing. */
  safeCast(value: SqlFragment, bigQueryType: string): SqlFragment
  /** A JSON value from a JSON string (NULL stays NULL). */
  parseJson(value: SqlFragment): SqlFragment
  /** Cast to a type written in BigQuery spelling. */
  cast(value: SqlFragment, bigQueryType: string): SqlFragment
  /** NULL-propagating clamp of x into [lo, hi] (DuckDB's greatest/least skip NULLs, BigQuery's do not). */
  clamp(x: SqlFragment, lo: number, hi: number): SqlFragment
  /** Current UTC timestamp. */
  currentTimestamp(): SqlFragment
  /** sha256 of a string as lower-case hex. */
  sha256Hex(value: SqlFragment): SqlFragment
  /** A random UUID string (non-deterministic). */
  generateUuid(): SqlFragment
  /** Sample standard deviation. */
  stddevSamp(x: SqlFragment): SqlFragment
  /** Array aggregate, ordered, keeping NULL-free input. */
  arrayAgg(x: SqlFragment, orderBy?: SqlFragment): SqlFragment
  /** Largest element of an array (NULL elements ignored); NULL for a NULL or empty array. */
  arrayMax(array: SqlFragment): SqlFragment
  /** Format a DATE as 'YYYY-MM-DD'. */
  dateToString(date: SqlFragment): SqlFragment
  /** Approximate-free percentile of a numeric column, 0 ≤ p ≤ 1. */
  percentile(x: SqlFragment, p: number): SqlFragment
}

/** How a dialect's Kysely query compiler names the parameters it emits. */
export interface QueryCompilerOptions {
  /**
   * Parameters are named `<prefix>1`, `<prefix>2`, … in order (default `p`). Statements that run
   * together in one BigQuery script share one parameter set, so give each a distinct prefix.
   */
  readonly parameterPrefix?: string
}

/** Staging in connection-private tables (see Dialect.sessionStaging). */
export interface SessionStaging {
  /** The connection-private staging table of a target. */
  table(target: Target): Target
  /** Create or replace a connection-private table from a select. */
  createAs(staging: Target, select: string): string
}

/** SQL text for one engine: no I/O, no state. */
export interface Dialect {
  readonly engine: EngineId
  readonly capabilities: DialectCapabilities
  readonly fn: SqlFunctions
  quoteIdentifier(name: string): string
  formatTarget(target: Target): string
  literal(value: SqlScalar): string
  param(name: string, type: ParamType): string
  /** Map a BigQuery-spelled type to this engine's spelling. */
  columnType(bigQueryType: string): string
  createSchema(dataset: string): string
  createTable(target: Target, columns: readonly ColumnSpec[], options?: TableOptions): string
  createTableAs(target: Target, select: string, options?: TableOptions): string
  /**
   * Where one run builds and audits a batch before publishing it: a name per run where two runs may
   * overlap (BigQuery), one fixed name where the warehouse has a single writer (DuckDB's file lock).
   */
  stagingTable(target: Target, runId: string): Target
  /** Create or replace a staging table from a select; where the engine can, it expires on its own. */
  createStagingTableAs(staging: Target, select: string, options?: TableOptions): string
  /**
   * Where the engine has tables private to one connection and held outside the warehouse file (DuckDB's
   * TEMP tables): an incremental batch stages into one, so its rows are written once (on publish), not
   * twice; the executor then sends all of the action's statements on one connection, and a batch that
   * fails after staging copies its rows to `stagingTable` for inspection. Absent (BigQuery: staging
   * tables are per run and swapped in by copy), batches stage in `stagingTable`.
   */
  readonly sessionStaging?: SessionStaging
  createOrReplaceTableAs(target: Target, select: string, options?: TableOptions): string
  createOrReplaceView(target: Target, select: string): string
  dropTable(target: Target): string
  dropView(target: Target): string
  renameTable(from: Target, toName: string): string
  insertSelect(target: Target, columns: readonly string[], select: string): string
  /** Delete the rows of `column` in [@interval_start, @interval_end). */
  deleteInterval(target: Target, column: string): string
  /**
   * Upsert `source` into `target` on `uniqueKey`, updating and inserting `columns`. With
   * `intervalColumn`, engines that prune partitions (BigQuery) also match only target rows of
   * [@interval_start, @interval_end) on it, a constant partition filter in the ON clause.
   */
  merge(
    target: Target,
    source: Target,
    uniqueKey: readonly string[],
    columns: readonly string[],
    intervalColumn?: string,
  ): string
  /**
   * ALTER statements adding nullable columns: one per column where the engine adds one at a time
   * (DuckDB), one for all where it takes several (BigQuery counts each ALTER against its limit of
   * 5 table-metadata updates per table per 10 seconds).
   */
  addColumns(target: Target, columns: readonly ColumnSpec[]): string[]
  /**
   * INSERT of many rows bound as one parameter: a JSON array with one object per row, every value a
   * string or null (numbers and booleans as their text), CAST to its column's type. Far faster than
   * a VALUES list of thousands of rows, and one parameter never collides with a limit on their count.
   */
  insertJsonRows(target: Target, columns: readonly ColumnSpec[], parameter: string): string
  /** A transaction as the engine runs it: one string per statement. */
  transaction(statements: readonly string[]): string[]
  /** The select wrapped so it returns at most n rows. */
  limit(select: string, n: number): string
  /**
   * A query of one row (`n`, `h`: row count and an order-independent hash of every row) that changes
   * when the table's rows change. Absent where it would be a billed scan (BigQuery): a standalone
   * assertion reading such a table is then evaluated on every run.
   */
  contentFingerprint?(target: Target): string
  /**
   * A Kysely query compiler for this engine's quoting and named-parameter style, for typed queries
   * that are compiled to SQL text here and executed by an adapter (NULL values become literals).
   */
  createQueryCompiler(options?: QueryCompilerOptions): QueryCompiler
}

export const INTERVAL_START = 'interval_start'
export const INTERVAL_END = 'interval_end'

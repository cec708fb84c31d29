import type { Dialect, EngineId, Target } from './dialect.js'

export type ParamValue = string | number | boolean | null

export interface StatementOptions {
  /** Named parameters; only those the statement uses are bound. */
  readonly params?: Readonly<Record<string, ParamValue>>
  /** Short description for logs and BigQuery job labels. */
  readonly label?: string
  /**
   * The statement writes only objects private to its connection (DuckDB's TEMP staging tables, in a
   * session): it cannot conflict with another connection's write, so an engine that queues its writes
   * need not queue it behind them.
   */
  readonly privateWrite?: boolean
}

export interface Statement extends StatementOptions {
  readonly sql: string
}

/** A column as the warehouse reports it, type in BigQuery spelling. */
export interface LiveColumn {
  readonly name: string
  readonly type: string
  readonly nullable: boolean
}

/** A live table's partition column (none: unpartitioned) and clustering columns, in order. */
export interface LiveLayout {
  readonly partitionBy: string | null
  readonly clusterBy: readonly string[]
}

/** A relation as the catalogue describes it: its columns and, on engines that report one, its layout. */
export interface LiveRelation {
  readonly columns: readonly LiveColumn[]
  /** Partitioning and clustering, where the engine has `describeLayout` (BigQuery); absent elsewhere. */
  readonly layout?: LiveLayout
}

export type Row = Record<string, unknown>

/** Execution and introspection for one engine; SQL text comes from the dialect. */
export interface Adapter {
  readonly engine: EngineId
  readonly dialect: Dialect
  /** Run a statement; returns the number of rows changed when the engine reports it. */
  execute(sql: string, options?: StatementOptions): Promise<{ rowsChanged: number }>
  /** Run a query and return plain rows: numbers, strings ('YYYY-MM-DD' dates, ISO timestamps), booleans, null, arrays, objects. */
  query<T extends Row = Row>(sql: string, options?: StatementOptions): Promise<T[]>
  /** Run statements atomically: all commit or none do (a script on engines without transactional DDL). */
  transaction(statements: readonly Statement[]): Promise<void>
  /** Replace `to` with a copy of `from` (its rows and layout), atomically; creates `to` when missing. */
  copyTable(from: Target, to: Target, options?: StatementOptions): Promise<void>
  tableExists(target: Target): Promise<boolean>
  /** Columns of a table or view, or null when it does not exist. */
  describeTable(target: Target): Promise<LiveColumn[] | null>
  /**
   * Partitioning and clustering of a table, or null when it does not exist; only where they cannot change
   * in place (BigQuery). Engines without them leave it out.
   */
  describeLayout?(target: Target): Promise<LiveLayout | null>
  /**
   * Several relations in one catalogue read where the engine has one (DuckDB), else the tables API in
   * parallel (BigQuery); keyed `dataset.name`, null for a relation that does not exist. Optional: without
   * it a caller describes tables one by one.
   */
  describeRelations?(targets: readonly Target[]): Promise<Map<string, LiveRelation | null>>
  /** Bytes a statement would scan, from a dry run (nothing runs); null where scans are not billed by bytes. */
  estimateBytes(sql: string, options?: StatementOptions): Promise<number | null>
  /** Output columns of a SELECT without running it. */
  describeQuery(sql: string, options?: StatementOptions): Promise<LiveColumn[]>
  close(): Promise<void>
}

/** A relation's key in `describeRelations` and the planner's maps: `dataset.name`. */
export function relationKey(target: Target): string {
  return `${target.dataset}.${target.name}`
}

/** Whether each target exists: one catalogue read where the adapter has `describeRelations`. */
export async function relationsExist(adapter: Adapter, targets: readonly Target[]): Promise<boolean[]> {
  if (!adapter.describeRelations) return Promise.all(targets.map((t) => adapter.tableExists(t)))
  const found = await adapter.describeRelations(targets)
  return targets.map((t) => (found.get(relationKey(t)) ?? null) !== null)
}

/** Parameter names a statement uses, for `$name` (DuckDB) and `@name` (BigQuery) styles. */
export function usedParams(
  sql: string,
  params: Readonly<Record<string, ParamValue>> | undefined,
  prefix: '$' | '@',
): Record<string, ParamValue> {
  const used: Record<string, ParamValue> = {}
  if (!params) return used
  for (const [name, value] of Object.entries(params)) {
    if (new RegExp(`\\${prefix}${name}\\b`).test(sql)) used[name] = value
  }
  return used
}

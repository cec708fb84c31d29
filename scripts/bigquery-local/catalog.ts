import { BigQueryApiError, notFound } from './errors.js'
import { quoteDuck } from './types.js'

/** Day partitioning on a column; `expr` is how the DDL spelt it (`game_date` or `DATE(ts)`). */
export interface PartitionSpec {
  readonly column: string
  readonly expr: string
}

/** What BigQuery keeps about a table beyond its columns (DuckDB keeps the columns and rows). */
export interface TableMeta {
  readonly dataset: string
  readonly table: string
  readonly type: 'TABLE' | 'VIEW'
  readonly partition?: PartitionSpec
  readonly clustering?: readonly string[]
  readonly requirePartitionFilter: boolean
  /** Milliseconds since the epoch; past it the table is gone, as on BigQuery. */
  readonly expirationTime?: number
  readonly labels: Readonly<Record<string, string>>
  readonly description?: string
  readonly creationTime: number
}

export interface DatasetMeta {
  readonly dataset: string
  readonly location: string
  readonly labels: Readonly<Record<string, string>>
  readonly creationTime: number
}

/** Datasets (DuckDB schemas) and tables with their BigQuery-only metadata. */
export class Catalog {
  readonly project: string
  readonly location: string
  readonly #datasets = new Map<string, DatasetMeta>()
  readonly #tables = new Map<string, TableMeta>()

  constructor(project: string, location: string) {
    this.project = project
    this.location = location
  }

  dataset(name: string): DatasetMeta | undefined {
    return this.#datasets.get(name)
  }

  datasets(): DatasetMeta[] {
    return [...this.#datasets.values()]
  }

  /** The dataset, or BigQuery's notFound; `inQuery` adds the location, as a query job's message does. */
  requireDataset(name: string, inQuery = false): DatasetMeta {
    const found = this.#datasets.get(name)
    if (!found)
      throw notFound(
        `Not found: Dataset ${this.project}:${name}${inQuery ? ` was not found in location ${this.location}` : ''}`,
      )
    return found
  }

  putDataset(meta: DatasetMeta): void {
    this.#datasets.set(meta.dataset, meta)
  }

  deleteDataset(name: string): void {
    this.#datasets.delete(name)
    for (const key of [...this.#tables.keys()]) if (key.startsWith(`${name}.`)) this.#tables.delete(key)
  }

  table(dataset: string, table: string, now = Date.now()): TableMeta | undefined {
    const found = this.#tables.get(`${dataset}.${table}`)
    if (found?.expirationTime !== undefined && found.expirationTime <= now) return undefined
    return found
  }

  requireTable(dataset: string, table: string, inQuery = false): TableMeta {
    this.requireDataset(dataset, inQuery)
    const found = this.table(dataset, table)
    if (!found)
      throw notFound(
        `Not found: Table ${this.project}:${dataset}.${table}${inQuery ? ` was not found in location ${this.location}` : ''}`,
      )
    return found
  }

  tables(dataset: string): TableMeta[] {
    return [...this.#tables.values()].filter((t) => t.dataset === dataset && this.table(t.dataset, t.table))
  }

  putTable(meta: TableMeta): void {
    this.#tables.set(`${meta.dataset}.${meta.table}`, meta)
  }

  deleteTable(dataset: string, table: string): void {
    this.#tables.delete(`${dataset}.${table}`)
  }

  /** DuckDB statements that drop every table whose expiration has passed; the metadata goes at once. */
  sweepExpired(now = Date.now()): string[] {
    const statements: string[] = []
    for (const [key, meta] of this.#tables) {
      if (meta.expirationTime === undefined || meta.expirationTime > now) continue
      this.#tables.delete(key)
      statements.push(`DROP ${meta.type === 'VIEW' ? 'VIEW' : 'TABLE'} IF EXISTS ${duckName(meta.dataset, meta.table)}`)
    }
    return statements
  }
}

export function duckName(dataset: string, table: string): string {
  return `${quoteDuck(dataset)}.${quoteDuck(table)}`
}

/** BigQuery's own rendering of a layout, as its "different partitioning spec" message prints it. */
export function layoutSpec(meta: { partition?: PartitionSpec; clustering?: readonly string[] } | undefined): string {
  const partition = meta?.partition ? `interval(type:day,field:${meta.partition.column})` : 'none'
  return meta?.clustering?.length ? `${partition} clustering(${meta.clustering.join(',')})` : partition
}

export function alreadyExists(kind: 'Dataset' | 'Table', name: string): BigQueryApiError {
  return new BigQueryApiError('duplicate', `Already Exists: ${kind} ${name}`)
}

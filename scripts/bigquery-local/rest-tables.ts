import type { Catalog, TableMeta } from './catalog.js'
import { alreadyExists, duckName } from './catalog.js'
import { BigQueryApiError } from './errors.js'
import { stringSql } from './translate.js'
import type { FieldSchema } from './types.js'
import { duckTypeOfField, fieldFromDuck, quoteDuck } from './types.js'
import { encodeRow, readResult } from './values.js'
import type { Warehouse } from './warehouse.js'
import { describeColumns } from './warehouse.js'

/** The datasets and tables REST resources over the catalog and DuckDB. */
export class TablesApi {
  readonly #catalog: Catalog
  readonly #warehouse: Warehouse

  constructor(catalog: Catalog, warehouse: Warehouse) {
    this.#catalog = catalog
    this.#warehouse = warehouse
  }

  #ref(dataset: string, table?: string) {
    const project = this.#catalog.project
    return table
      ? {
          id: `${project}:${dataset}.${table}`,
          tableReference: { projectId: project, datasetId: dataset, tableId: table },
        }
      : { id: `${project}:${dataset}`, datasetReference: { projectId: project, datasetId: dataset } }
  }

  datasetResource(name: string): Record<string, unknown> {
    const meta = this.#catalog.requireDataset(name)
    return {
      kind: 'bigquery#dataset',
      ...this.#ref(name),
      location: meta.location,
      labels: meta.labels,
      creationTime: String(meta.creationTime),
    }
  }

  listDatasets(): Record<string, unknown> {
    const datasets = this.#catalog
      .datasets()
      .map((d) => ({ kind: 'bigquery#dataset', ...this.#ref(d.dataset), location: d.location }))
    return { kind: 'bigquery#datasetList', datasets }
  }

  async createDataset(body: {
    datasetReference?: { datasetId?: string }
    location?: string
    labels?: Record<string, string>
  }): Promise<Record<string, unknown>> {
    const name = body.datasetReference?.datasetId
    if (!name) throw new BigQueryApiError('invalid', 'Dataset reference is missing a datasetId')
    if (this.#catalog.dataset(name)) throw alreadyExists('Dataset', `${this.#catalog.project}:${name}`)
    await this.#warehouse.exclusive((run) => run(`CREATE SCHEMA IF NOT EXISTS ${quoteDuck(name)}`))
    this.#catalog.putDataset({
      dataset: name,
      location: body.location ?? this.#catalog.location,
      labels: body.labels ?? {},
      creationTime: Date.now(),
    })
    return this.datasetResource(name)
  }

  async deleteDataset(name: string, deleteContents: boolean): Promise<void> {
    this.#catalog.requireDataset(name)
    if (!deleteContents && this.#catalog.tables(name).length > 0)
      throw new BigQueryApiError('resourcesExceeded', `Dataset ${this.#catalog.project}:${name} is still in use`, 400)
    await this.#warehouse.exclusive((run) => run(`DROP SCHEMA IF EXISTS ${quoteDuck(name)} CASCADE`))
    this.#catalog.deleteDataset(name)
  }

  async tableResource(dataset: string, table: string): Promise<Record<string, unknown>> {
    const meta = this.#catalog.requireTable(dataset, table)
    const columns = await this.#warehouse.exclusive((run) => describeColumns(run, dataset, table))
    const numRows = await this.#count(meta)
    return {
      kind: 'bigquery#table',
      ...this.#ref(dataset, table),
      type: meta.type,
      schema: { fields: columns.map((c) => fieldFromDuck(c.name, c.type, c.nullable)) },
      ...(meta.partition ? { timePartitioning: { type: 'DAY', field: meta.partition.column } } : {}),
      ...(meta.clustering ? { clustering: { fields: meta.clustering } } : {}),
      requirePartitionFilter: meta.requirePartitionFilter,
      ...(meta.expirationTime !== undefined ? { expirationTime: String(meta.expirationTime) } : {}),
      ...(meta.description ? { description: meta.description } : {}),
      labels: meta.labels,
      creationTime: String(meta.creationTime),
      numRows: String(numRows),
      location: this.#catalog.location,
    }
  }

  async #count(meta: TableMeta): Promise<number> {
    if (meta.type === 'VIEW') return 0
    const result = await this.#warehouse.exclusive((run) =>
      run(`SELECT COUNT(*) AS n FROM ${duckName(meta.dataset, meta.table)}`),
    )
    const [row] = (await result.getRowObjectsJS()) as { n: bigint }[]
    return Number(row?.n ?? 0)
  }

  listTables(dataset: string): Record<string, unknown> {
    this.#catalog.requireDataset(dataset)
    const tables = this.#catalog
      .tables(dataset)
      .map((t) => ({ kind: 'bigquery#table', ...this.#ref(dataset, t.table), type: t.type }))
    return { kind: 'bigquery#tableList', tables, totalItems: tables.length }
  }

  async createTable(dataset: string, body: TableBody): Promise<Record<string, unknown>> {
    this.#catalog.requireDataset(dataset)
    const table = body.tableReference?.tableId
    if (!table) throw new BigQueryApiError('invalid', 'Table reference is missing a tableId')
    if (this.#catalog.table(dataset, table))
      throw alreadyExists('Table', `${this.#catalog.project}:${dataset}.${table}`)
    const fields = body.schema?.fields ?? []
    const columns = fields.map(
      (f) => `${quoteDuck(f.name)} ${duckTypeOfField(f)}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}`,
    )
    const partitionField = body.timePartitioning?.field
    await this.#warehouse.exclusive((run) => run(`CREATE TABLE ${duckName(dataset, table)} (${columns.join(', ')})`))
    this.#catalog.putTable({
      dataset,
      table,
      type: 'TABLE',
      ...(partitionField ? { partition: { column: partitionField, expr: partitionField } } : {}),
      ...(body.clustering?.fields ? { clustering: body.clustering.fields } : {}),
      requirePartitionFilter: Boolean(body.requirePartitionFilter ?? body.timePartitioning?.requirePartitionFilter),
      ...(body.expirationTime ? { expirationTime: Number(body.expirationTime) } : {}),
      labels: body.labels ?? {},
      creationTime: Date.now(),
    })
    return this.tableResource(dataset, table)
  }

  async patchTable(dataset: string, table: string, body: TableBody): Promise<Record<string, unknown>> {
    const meta = this.#catalog.requireTable(dataset, table)
    const { expirationTime: _expiration, ...kept } = meta
    this.#catalog.putTable({
      ...(body.expirationTime === null ? kept : meta),
      ...(body.requirePartitionFilter !== undefined ? { requirePartitionFilter: body.requirePartitionFilter } : {}),
      ...(body.expirationTime ? { expirationTime: Number(body.expirationTime) } : {}),
      ...(body.labels ? { labels: body.labels } : {}),
    })
    return this.tableResource(dataset, table)
  }

  async deleteTable(dataset: string, table: string): Promise<void> {
    const meta = this.#catalog.requireTable(dataset, table)
    const kind = meta.type === 'VIEW' ? 'VIEW' : 'TABLE'
    await this.#warehouse.exclusive((run) => run(`DROP ${kind} IF EXISTS ${duckName(dataset, table)}`))
    this.#catalog.deleteTable(dataset, table)
  }

  /** tabledata.list: rows as the REST shape, paged by startIndex/pageToken and maxResults. */
  async listRows(dataset: string, table: string, query: URLSearchParams): Promise<Record<string, unknown>> {
    this.#catalog.requireTable(dataset, table)
    const start = Number(query.get('pageToken') ?? query.get('startIndex') ?? 0)
    const size = Number(query.get('maxResults') ?? 10_000)
    const result = await this.#warehouse.exclusive(async (run) =>
      readResult(await run(`SELECT * FROM ${duckName(dataset, table)} LIMIT ${size} OFFSET ${start}`)),
    )
    const total = await this.#count(this.#catalog.requireTable(dataset, table))
    const int64Timestamp = query.get('formatOptions.useInt64Timestamp') === 'true'
    const next = start + result.rows.length
    return {
      kind: 'bigquery#tableDataList',
      totalRows: String(total),
      rows: result.rows.map((r) => encodeRow(r, result.schema, { int64Timestamp })),
      ...(next < total ? { pageToken: String(next) } : {}),
    }
  }

  /** tabledata.insertAll: JSON rows cast to the columns' types through DuckDB's JSON casts. */
  async insertAll(dataset: string, table: string, body: { rows?: { json?: Record<string, unknown> }[] }) {
    this.#catalog.requireTable(dataset, table)
    const rows = (body.rows ?? []).map((r) => r.json ?? {})
    if (rows.length === 0) return { kind: 'bigquery#tableDataInsertAllResponse' }
    await this.#warehouse.exclusive(async (run) => {
      const columns = await describeColumns(run, dataset, table)
      const values = rows.map((row) => `(${columns.map((c) => jsonValueSql(row[c.name], c.type)).join(', ')})`)
      await run(`INSERT INTO ${duckName(dataset, table)} VALUES ${values.join(', ')}`)
    })
    return { kind: 'bigquery#tableDataInsertAllResponse' }
  }
}

function jsonValueSql(value: unknown, type: string): string {
  if (value === null || value === undefined) return `CAST(NULL AS ${type})`
  if (typeof value === 'object') return `CAST(CAST(${stringSql(JSON.stringify(value))} AS JSON) AS ${type})`
  if (type.startsWith('TIMESTAMP')) return `CAST(CAST(${stringSql(String(value))} AS TIMESTAMPTZ) AS TIMESTAMP)`
  return `CAST(${stringSql(String(value))} AS ${type})`
}

export interface TableBody {
  tableReference?: { tableId?: string }
  schema?: { fields?: FieldSchema[] }
  timePartitioning?: { type?: string; field?: string; requirePartitionFilter?: boolean }
  clustering?: { fields?: string[] }
  requirePartitionFilter?: boolean
  expirationTime?: string | null
  labels?: Record<string, string>
}

import type { DuckDBMaterializedResult } from '@duckdb/node-api'
import type { StatementInfo } from './analyze.js'
import type { Catalog, TableMeta } from './catalog.js'
import { alreadyExists } from './catalog.js'
import { BigQueryApiError } from './errors.js'
import type { AnyNode } from './sql-tree.js'
import { pathOf, text } from './sql-tree.js'
import type { TranslateContext } from './translate.js'
import { translateExpression } from './translate.js'

type Run = (sql: string) => Promise<DuckDBMaterializedResult>

/** notFound for a missing dataset or table (INFORMATION_SCHEMA included), duplicate for an existing one. */
export function checkReferences(info: StatementInfo, catalog: Catalog): void {
  if (info.kind === 'create_schema' && info.schema !== undefined) {
    if (catalog.dataset(info.schema) && !info.ifNotExists)
      throw alreadyExists('Dataset', `${catalog.project}:${info.schema}`)
  }
  if (info.kind === 'drop_schema' && info.schema !== undefined && !info.ifExists)
    catalog.requireDataset(info.schema, true)
  for (const ref of info.refs) {
    if (ref.informationSchema) catalog.requireDataset(ref.dataset, true)
    else if (ref.role === 'create') {
      catalog.requireDataset(ref.dataset, true)
      const exists = catalog.table(ref.dataset, ref.table)
      if (exists && !info.orReplace && !info.ifNotExists)
        throw alreadyExists('Table', `${catalog.project}:${ref.dataset}.${ref.table}`)
    } else if (ref.role === 'drop') {
      if (!info.ifExists) catalog.requireTable(ref.dataset, ref.table, true)
    } else catalog.requireTable(ref.dataset, ref.table, true)
  }
}

export interface OptionValues {
  readonly requirePartitionFilter?: boolean
  readonly expirationTime?: number | null
  readonly description?: string
  readonly location?: string
}

/** OPTIONS(...) of a CREATE or ALTER … SET OPTIONS, evaluated (expiration through DuckDB). */
export async function optionValues(info: StatementInfo, ctx: TranslateContext, run: Run): Promise<OptionValues> {
  const options = new Map(info.layout.options)
  if (info.kind === 'alter_table') {
    for (const action of ((info.node.actions as AnyNode).items as AnyNode[]) ?? []) {
      if (action.type !== 'alter_action_set_bigquery_options') continue
      const entries = ((((action.options as AnyNode).options as AnyNode).expr as AnyNode).items as AnyNode[]) ?? []
      for (const entry of entries) options.set(text(entry.left).toLowerCase(), entry.right as AnyNode)
    }
  }
  const out: { -readonly [K in keyof OptionValues]: OptionValues[K] } = {}
  const rpf = options.get('require_partition_filter')
  if (rpf) out.requirePartitionFilter = /^TRUE$/i.test(text(rpf))
  const expiration = options.get('expiration_timestamp')
  if (expiration) {
    if (/^NULL$/i.test(text(expiration))) out.expirationTime = null
    else {
      const sql = `SELECT epoch_ms(CAST(${translateExpression(expiration, ctx)} AS TIMESTAMP)) AS ms`
      const [row] = (await (await run(sql)).getRowObjectsJS()) as { ms: bigint }[]
      out.expirationTime = Number(row?.ms)
    }
  }
  const description = options.get('description')
  if (description) out.description = String((description as { value?: unknown }).value ?? text(description))
  const location = options.get('location')
  if (location) out.location = String((location as { value?: unknown }).value ?? text(location))
  return out
}

/** Records what a statement that succeeded did to datasets and tables. */
export function applyCatalogEffects(info: StatementInfo, catalog: Catalog, options: OptionValues): void {
  const ref = info.refs[0]
  switch (info.kind) {
    case 'create_schema':
      if (info.schema !== undefined && !catalog.dataset(info.schema))
        catalog.putDataset({
          dataset: info.schema,
          location: options.location ?? catalog.location,
          labels: {},
          creationTime: Date.now(),
        })
      return
    case 'drop_schema':
      if (info.schema !== undefined) catalog.deleteDataset(info.schema)
      return
    case 'create_table':
    case 'create_view':
      if (ref && !info.temporary) createTable(info, catalog, options, ref.dataset, ref.table)
      return
    case 'drop_table':
    case 'drop_view':
      for (const r of info.refs) catalog.deleteTable(r.dataset, r.table)
      return
    case 'alter_table':
      if (ref) alterTable(info, catalog, options, ref.dataset, ref.table)
      return
    default:
  }
}

function createTable(info: StatementInfo, catalog: Catalog, options: OptionValues, dataset: string, table: string) {
  const existing = catalog.table(dataset, table)
  if (existing && info.ifNotExists) return
  const expirationTime = options.expirationTime ?? undefined
  const meta: TableMeta = {
    dataset,
    table,
    type: info.kind === 'create_view' ? 'VIEW' : 'TABLE',
    ...(info.layout.partition ? { partition: info.layout.partition } : {}),
    ...(info.layout.clustering ? { clustering: info.layout.clustering } : {}),
    requirePartitionFilter: options.requirePartitionFilter ?? false,
    ...(expirationTime !== undefined ? { expirationTime } : {}),
    ...(options.description ? { description: options.description } : {}),
    labels: {},
    creationTime: Date.now(),
  }
  if (meta.requirePartitionFilter && !meta.partition)
    throw new BigQueryApiError('invalid', 'require_partition_filter can only be set on a partitioned table')
  catalog.putTable(meta)
}

function alterTable(info: StatementInfo, catalog: Catalog, options: OptionValues, dataset: string, table: string) {
  const meta = catalog.table(dataset, table)
  if (!meta) return
  let next: TableMeta = { ...meta }
  if (options.requirePartitionFilter !== undefined)
    next = { ...next, requirePartitionFilter: options.requirePartitionFilter }
  if (options.expirationTime === null) {
    const { expirationTime: _dropped, ...rest } = next
    next = rest
  } else if (options.expirationTime !== undefined) next = { ...next, expirationTime: options.expirationTime }
  const rename = (((info.node.actions as AnyNode).items as AnyNode[]) ?? []).find(
    (a) => a.type === 'alter_action_rename',
  )
  if (rename) {
    catalog.deleteTable(dataset, table)
    next = { ...next, table: pathOf(rename.newName as AnyNode)?.at(-1) ?? table }
  }
  catalog.putTable(next)
}

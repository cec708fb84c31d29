import type { Catalog } from './catalog.js'
import { duckName, layoutSpec } from './catalog.js'
import { BigQueryApiError } from './errors.js'
import type { Warehouse } from './warehouse.js'

interface TableReference {
  projectId?: string
  datasetId?: string
  tableId?: string
}

/** `configuration.copy` of jobs.insert, as far as the endpoint reads it. */
export interface CopyConfiguration {
  sourceTable?: TableReference
  sourceTables?: TableReference[]
  destinationTable?: TableReference
  writeDisposition?: string
  createDisposition?: string
}

/** The text a fault's `match` is compared with, and what a failed copy job names. */
export function copyText(copy: CopyConfiguration): string {
  const name = (t: TableReference | undefined) => `${t?.datasetId ?? '?'}.${t?.tableId ?? '?'}`
  return `COPY ${name(copy.sourceTable ?? copy.sourceTables?.[0])} TO ${name(copy.destinationTable)}`
}

/**
 * A copy job: the destination gets the source's rows, columns, partitioning and clustering, atomically
 * (WRITE_TRUNCATE replaces it, WRITE_EMPTY refuses a table with rows, WRITE_APPEND adds). The
 * destination keeps no expiration of the source's. A destination with another partitioning spec is
 * refused, as BigQuery refuses it.
 */
export async function runCopy(catalog: Catalog, warehouse: Warehouse, copy: CopyConfiguration): Promise<void> {
  const sources = copy.sourceTables ?? (copy.sourceTable ? [copy.sourceTable] : [])
  const [source] = sources
  const destination = copy.destinationTable
  if (sources.length !== 1 || !source?.datasetId || !source.tableId || !destination?.datasetId || !destination.tableId)
    throw new BigQueryApiError('invalid', 'A copy job needs one sourceTable and a destinationTable')
  for (const ref of [source, destination])
    if (ref.projectId && ref.projectId !== catalog.project)
      throw new BigQueryApiError('notFound', `Not found: Project ${ref.projectId}`, 404)
  const from = catalog.requireTable(source.datasetId, source.tableId)
  catalog.requireDataset(destination.datasetId)
  const existing = catalog.table(destination.datasetId, destination.tableId)
  const disposition = copy.writeDisposition ?? 'WRITE_EMPTY'
  if (!existing && copy.createDisposition === 'CREATE_NEVER')
    catalog.requireTable(destination.datasetId, destination.tableId)
  if (existing && layoutSpec(existing) !== layoutSpec(from))
    throw new BigQueryApiError(
      'invalid',
      `Incompatible table partitioning specification. Expects partitioning specification ${layoutSpec(existing)}, but input partitioning specification is ${layoutSpec(from)}`,
    )
  const target = duckName(destination.datasetId, destination.tableId)
  const rows = `SELECT * FROM ${duckName(from.dataset, from.table)}`
  await warehouse.exclusive(async (run) => {
    if (existing && disposition === 'WRITE_APPEND') {
      await run(`INSERT INTO ${target} ${rows}`)
      return
    }
    if (existing && disposition === 'WRITE_EMPTY') {
      const result = await run(`SELECT COUNT(*) AS n FROM ${target}`)
      const [row] = (await result.getRowObjectsJS()) as { n: bigint }[]
      if (Number(row?.n ?? 0) > 0)
        throw new BigQueryApiError(
          'duplicate',
          `Already Exists: Table ${catalog.project}:${destination.datasetId}.${destination.tableId}`,
        )
    }
    await run(`CREATE OR REPLACE TABLE ${target} AS ${rows}`)
  })
  catalog.putTable({
    dataset: destination.datasetId,
    table: destination.tableId,
    type: 'TABLE',
    ...(from.partition ? { partition: from.partition } : {}),
    ...(from.clustering ? { clustering: from.clustering } : {}),
    requirePartitionFilter: from.requirePartitionFilter,
    labels: existing?.labels ?? {},
    creationTime: existing?.creationTime ?? Date.now(),
  })
}

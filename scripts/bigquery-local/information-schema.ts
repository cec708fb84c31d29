import type { DuckDBMaterializedResult } from '@duckdb/node-api'
import type { Catalog } from './catalog.js'
import { stringSql } from './translate.js'
import { fieldFromDuck, standardTypeName } from './types.js'
import { describeColumns } from './warehouse.js'

type Run = (sql: string) => Promise<DuckDBMaterializedResult>

const COLUMNS = [
  'table_catalog VARCHAR',
  'table_schema VARCHAR',
  'table_name VARCHAR',
  'column_name VARCHAR',
  'ordinal_position BIGINT',
  'is_nullable VARCHAR',
  'data_type VARCHAR',
  'is_partitioning_column VARCHAR',
  'clustering_ordinal_position BIGINT',
]
const TABLES = [
  'table_catalog VARCHAR',
  'table_schema VARCHAR',
  'table_name VARCHAR',
  'table_type VARCHAR',
  'creation_time TIMESTAMP',
]

/**
 * A dataset's INFORMATION_SCHEMA.COLUMNS or .TABLES as a DuckDB subquery built from the catalog, with
 * BigQuery's spellings (data_type `INT64`, `ARRAY<STRING>`). The dataset must exist (the caller checks).
 */
export async function informationSchemaSql(run: Run, catalog: Catalog, dataset: string, view: string): Promise<string> {
  if (view === 'TABLES') {
    const rows = catalog
      .tables(dataset)
      .map((t) =>
        [catalog.project, dataset, t.table, t.type === 'VIEW' ? 'VIEW' : 'BASE TABLE']
          .map(stringSql)
          .concat(`epoch_ms(${t.creationTime})::TIMESTAMP`),
      )
    return valuesSql(TABLES, rows)
  }
  if (view !== 'COLUMNS') return ''
  const rows: string[][] = []
  for (const t of catalog.tables(dataset)) {
    const columns = await describeColumns(run, dataset, t.table)
    columns.forEach((c, i) => {
      const field = fieldFromDuck(c.name, c.type, c.nullable)
      const clusterAt = (t.clustering ?? []).findIndex((name) => name.toLowerCase() === c.name.toLowerCase())
      rows.push([
        stringSql(catalog.project),
        stringSql(dataset),
        stringSql(t.table),
        stringSql(c.name),
        String(i + 1),
        stringSql(c.nullable ? 'YES' : 'NO'),
        stringSql(standardTypeName(field)),
        stringSql(t.partition?.column.toLowerCase() === c.name.toLowerCase() ? 'YES' : 'NO'),
        clusterAt >= 0 ? String(clusterAt + 1) : 'NULL',
      ])
    })
  }
  return valuesSql(COLUMNS, rows)
}

/** Typed rows; with none, a typed empty relation. */
function valuesSql(columns: string[], rows: string[][]): string {
  const typed = columns.map((c) => {
    const [name, type] = c.split(' ') as [string, string]
    return `CAST(NULL AS ${type}) AS ${name}`
  })
  const empty = `SELECT ${typed.join(', ')} WHERE FALSE`
  if (rows.length === 0) return empty
  const names = columns.map((c) => c.split(' ')[0])
  const values = rows.map((r) => `(${r.join(', ')})`).join(', ')
  return `${empty} UNION ALL BY NAME SELECT * FROM (VALUES ${values}) AS v(${names.join(', ')})`
}

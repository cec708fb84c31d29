import type { Adapter, Row } from './adapter.js'
import type { ColumnSpec, Target } from './dialect.js'

/** Rows per INSERT are bounded by the JSON text they make: BigQuery takes requests of at most 10 MB. */
const MAX_CHUNK_CHARACTERS = 4_000_000
const ROWS_PARAM = 'rows_json'

export interface TransferredTable {
  readonly table: string
  readonly rows: number
}

/**
 * Copy tables from one warehouse to another (the sample generated in DuckDB, loaded into BigQuery):
 * the dataset and the table are created with the source's columns, then the rows are inserted as
 * JSON-array parameters in chunks. A table that already exists in the destination is left alone.
 */
export async function transferTables(
  from: Adapter,
  to: Adapter,
  targets: readonly Target[],
  onProgress: (message: string) => void = () => undefined,
): Promise<TransferredTable[]> {
  const done: TransferredTable[] = []
  const datasets = new Set<string>()
  for (const target of targets) {
    const name = `${target.dataset}.${target.name}`
    const live = await from.describeTable(target)
    if (!live || (await to.tableExists(target))) continue
    if (!datasets.has(target.dataset)) {
      await to.execute(to.dialect.createSchema(target.dataset), { label: `schema ${target.dataset}` })
      datasets.add(target.dataset)
    }
    const columns: ColumnSpec[] = live.map((c) => ({ name: c.name, type: c.type }))
    await to.execute(to.dialect.createTable(target, columns), { label: `create ${name}` })
    const rows = await from.query(`SELECT * FROM ${from.dialect.formatTarget(target)}`)
    const insert = to.dialect.insertJsonRows(target, columns, ROWS_PARAM)
    for (const chunk of chunks(rows.map(textRow))) {
      await to.execute(insert, { params: { [ROWS_PARAM]: chunk }, label: `load ${name}` })
    }
    onProgress(`${name}: ${rows.length} rows`)
    done.push({ table: name, rows: rows.length })
  }
  return done
}

/** Every value as text (or null), the shape insertJsonRows reads. */
function textRow(row: Row): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const [key, value] of Object.entries(row))
    out[key] =
      value === null || value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : String(value)
  return out
}

function* chunks(rows: readonly Record<string, string | null>[]): Generator<string> {
  let parts: string[] = []
  let size = 2
  for (const row of rows) {
    const text = JSON.stringify(row)
    if (parts.length > 0 && size + text.length + 1 > MAX_CHUNK_CHARACTERS) {
      yield `[${parts.join(',')}]`
      parts = []
      size = 2
    }
    parts.push(text)
    size += text.length + 1
  }
  if (parts.length > 0) yield `[${parts.join(',')}]`
}

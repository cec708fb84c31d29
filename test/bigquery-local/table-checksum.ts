import { createHash } from 'node:crypto'
import type { Row } from '../../src/engines/adapter.js'
import type { Target } from '../../src/engines/dialect.js'

/** Floats are compared to this many significant digits (a relative tolerance of about 1e-9). */
export const FLOAT_DIGITS = 9

/** A persistent table as the differential test compares it. */
export interface ChecksummedTable {
  readonly target: Target
  /** Columns left out, each with why: values that differ from one run to another by design. */
  readonly runDependent: Readonly<Record<string, string>>
}

export interface TableChecksum {
  readonly rows: number
  /** Sum of the rows' hashes modulo 2^64, hex: independent of row order, sensitive to duplicates. */
  readonly checksum: string
  /** One checksum per compared column (same construction), to name the columns that differ. */
  columns(): Record<string, string>
}

/** Runs a DuckDB SELECT where the table is stored and returns its rows as @duckdb/node-api's JS values. */
export type DuckDbReader = (sql: string) => Promise<Row[]>

/**
 * Every row of the table, read with DuckDB SQL where it is stored (the DuckDB warehouse, or the DuckDB
 * behind the local endpoint, where a dataset is a schema), canonicalised and summed into an
 * order-independent checksum.
 */
export async function checksumTable(read: DuckDbReader, table: ChecksummedTable): Promise<TableChecksum> {
  const rows = await read(`SELECT * FROM "${table.target.dataset}"."${table.target.name}"`)
  const names = Object.keys(rows[0] ?? {})
    .filter((c) => !(c in table.runDependent))
    .sort()
  const values = rows.map((r) => names.map((c) => canonical(r[c])))
  return {
    rows: rows.length,
    checksum: sumOf(values.map((v) => hash(JSON.stringify(v)))),
    // Only asked for when the checksums differ: a hash per value is most of the cost.
    columns: () => Object.fromEntries(names.map((c, i) => [c, sumOf(values.map((v) => hash(JSON.stringify(v[i]))))])),
  }
}

const DATE_AT_MIDNIGHT = /^(\d{4}-\d{2}-\d{2})T00:00:00(\.0+)?Z$/
const NUMBER_TEXT = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i

/**
 * One spelling per value, whichever engine and client returned it: numbers (NUMERIC arrives as text from
 * BigQuery, DECIMAL as a number from DuckDB) to FLOAT_DIGITS significant digits, a DATE as `YYYY-MM-DD`
 * (DuckDB returns dates inside a STRUCT as Date objects), JSON text parsed with its keys sorted, and an
 * empty array as NULL: BigQuery turns a NULL ARRAY into an empty one in a query result (its "Array type"
 * docs), while DuckDB keeps the NULL the same statement wrote.
 */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'number') return Number(value.toPrecision(FLOAT_DIGITS))
  if (typeof value === 'boolean') return value
  if (value instanceof Date) return dateText(value.toISOString())
  if (Array.isArray(value)) return value.length === 0 ? null : value.map(canonical)
  if (typeof value === 'string') {
    if (/^[[{]/.test(value)) {
      try {
        return canonical(JSON.parse(value))
      } catch {
        return value
      }
    }
    return NUMBER_TEXT.test(value) ? canonical(Number(value)) : dateText(value)
  }
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    )
  return String(value)
}

function dateText(text: string): string {
  return DATE_AT_MIDNIGHT.exec(text)?.[1] ?? text
}

function hash(text: string): bigint {
  return createHash('sha256').update(text).digest().readBigUInt64BE(0)
}

function sumOf(hashes: readonly bigint[]): string {
  let sum = 0n
  for (const h of hashes) sum = (sum + h) & 0xffff_ffff_ffff_ffffn
  return sum.toString(16).padStart(16, '0')
}

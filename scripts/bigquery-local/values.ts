import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
} from '@duckdb/node-api'
import type { DuckDBMaterializedResult, DuckDBValue } from '@duckdb/node-api'
import type { FieldSchema } from './types.js'
import { fieldFromDuck } from './types.js'

/** A query's result kept as DuckDB values; rows are encoded per request (the timestamp format varies). */
export interface ResultSet {
  readonly schema: FieldSchema[]
  readonly rows: DuckDBValue[][]
}

export async function readResult(result: DuckDBMaterializedResult): Promise<ResultSet> {
  const names = result.columnNames()
  const types = result.columnTypes()
  const schema = names.map((name, i) => {
    const type = types[i]
    const alias = (type as { alias?: string } | undefined)?.alias
    return fieldFromDuck(name, alias === 'JSON' ? 'JSON' : String(type))
  })
  return { schema, rows: await result.getRows() }
}

/** REST cell: `{ v }` with every scalar as a string, REPEATED as `[{ v }]`, RECORD as `{ f: [...] }`. */
export type RestCell = { v: RestValue }
type RestValue = string | null | RestCell[] | { f: RestCell[] }

export interface EncodeOptions {
  /** `formatOptions.useInt64Timestamp`: microseconds as an integer string (else float seconds). */
  readonly int64Timestamp: boolean
}

export function encodeRow(row: DuckDBValue[], schema: FieldSchema[], options: EncodeOptions): { f: RestCell[] } {
  return { f: row.map((value, i) => ({ v: encodeField(value, schema[i] as FieldSchema, options) })) }
}

function encodeField(value: DuckDBValue, field: FieldSchema, options: EncodeOptions): RestValue {
  if (value === null || value === undefined) return field.mode === 'REPEATED' ? [] : null
  if (field.mode === 'REPEATED') {
    const items = value instanceof DuckDBListValue ? value.items : []
    return items.map((item) => ({ v: encodeField(item, { ...field, mode: 'NULLABLE' }, options) }))
  }
  if (field.type === 'RECORD') {
    const entries = value instanceof DuckDBStructValue ? value.entries : {}
    return encodeRow(
      (field.fields ?? []).map((f) => (entries as Record<string, DuckDBValue>)[f.name] ?? null),
      field.fields ?? [],
      options,
    )
  }
  return encodeScalar(value, field.type, options)
}

function encodeScalar(value: DuckDBValue, type: string, options: EncodeOptions): string {
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
    const micros = value.micros
    if (options.int64Timestamp) return micros.toString()
    return (Number(micros) / 1e6).toString()
  }
  if (value instanceof DuckDBDateValue) return value.toString()
  if (value instanceof DuckDBDecimalValue) return value.toString()
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64')
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN'
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
    return type === 'INTEGER' ? String(Math.trunc(value)) : String(value)
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return String(value)
}

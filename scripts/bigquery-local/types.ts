import { invalidQuery } from './errors.js'

/** A BigQuery field as tables.get and getQueryResults describe it (legacy type names, as BigQuery sends). */
export interface FieldSchema {
  name: string
  type: string
  mode: 'NULLABLE' | 'REQUIRED' | 'REPEATED'
  /** NUMERIC(P, S) and BIGNUMERIC(P, S): their parameters, as BigQuery's REST API spells them (strings). */
  precision?: string
  scale?: string
  fields?: FieldSchema[]
}

const SCALARS: Record<string, string> = {
  STRING: 'VARCHAR',
  BYTES: 'BLOB',
  INT64: 'BIGINT',
  INT: 'BIGINT',
  INTEGER: 'BIGINT',
  BIGINT: 'BIGINT',
  SMALLINT: 'BIGINT',
  TINYINT: 'BIGINT',
  BYTEINT: 'BIGINT',
  FLOAT64: 'DOUBLE',
  FLOAT: 'DOUBLE',
  NUMERIC: 'DECIMAL(38,9)',
  DECIMAL: 'DECIMAL(38,9)',
  BIGNUMERIC: 'DECIMAL(38,18)',
  BIGDECIMAL: 'DECIMAL(38,18)',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  // BigQuery TIMESTAMP is an instant; DuckDB runs with TimeZone=UTC and stores it as a naive UTC TIMESTAMP.
  TIMESTAMP: 'TIMESTAMP',
  DATETIME: 'TIMESTAMP',
  TIME: 'TIME',
  JSON: 'JSON',
}

/** A BigQuery scalar type name (as in a parameter or a column) → DuckDB. */
export function duckScalarType(name: string): string {
  const type = SCALARS[name.toUpperCase()]
  if (!type) throw invalidQuery(`Type ${name.toUpperCase()} is not supported by the local BigQuery endpoint`)
  return type
}

/** A query parameter's type descriptor (REST `parameterType`) → DuckDB. */
export interface ParameterType {
  type: string
  arrayType?: ParameterType
  structTypes?: { name?: string; type: ParameterType }[]
}

export function duckParameterType(t: ParameterType): string {
  if (t.type === 'ARRAY') return `${duckParameterType(t.arrayType ?? { type: 'STRING' })}[]`
  if (t.type === 'STRUCT')
    return `STRUCT(${(t.structTypes ?? []).map((f) => `${quoteDuck(f.name ?? '')} ${duckParameterType(f.type)}`).join(', ')})`
  return duckScalarType(t.type)
}

export function quoteDuck(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** DuckDB column type text → BigQuery field (type and mode). */
export function fieldFromDuck(name: string, duckType: string, nullable = true): FieldSchema {
  const t = duckType.trim()
  if (t.endsWith('[]')) return { ...fieldFromDuck(name, t.slice(0, -2)), mode: 'REPEATED' }
  const struct = /^STRUCT\((.*)\)$/is.exec(t)
  if (struct) {
    const fields = splitTopLevel(struct[1] ?? '').map((part) => {
      const m = /^\s*("(?:[^"]|"")+"|\S+)\s+(.*)$/s.exec(part)
      const fieldName = (m?.[1] ?? part).replace(/^"|"$/g, '').replaceAll('""', '"')
      return fieldFromDuck(fieldName, m?.[2] ?? 'VARCHAR')
    })
    return { name, type: 'RECORD', mode: nullable ? 'NULLABLE' : 'REQUIRED', fields }
  }
  const mode = nullable ? 'NULLABLE' : 'REQUIRED'
  // A parameterized NUMERIC(P, S) reports its precision and scale; plain NUMERIC is DECIMAL(38,9) here.
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(t)
  if (decimal && !(decimal[1] === '38' && decimal[2] === '9'))
    return { name, type: bigQueryTypeOf(t), mode, precision: decimal[1] ?? '', scale: decimal[2] ?? '' }
  return { name, type: bigQueryTypeOf(t), mode }
}

function bigQueryTypeOf(duckType: string): string {
  const upper = duckType.toUpperCase()
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(upper)
  if (decimal) return Number(decimal[2]) > 9 ? 'BIGNUMERIC' : 'NUMERIC'
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)$/.test(upper)) return 'INTEGER'
  if (upper === 'DOUBLE' || upper === 'FLOAT') return 'FLOAT'
  if (upper === 'BOOLEAN') return 'BOOLEAN'
  if (upper.startsWith('TIMESTAMP')) return 'TIMESTAMP'
  if (upper === 'DATE' || upper === 'TIME' || upper === 'JSON') return upper
  if (upper === 'BLOB') return 'BYTES'
  return 'STRING'
}

/** Standard SQL spelling of a field, as INFORMATION_SCHEMA.COLUMNS.data_type shows it. */
export function standardTypeName(field: FieldSchema): string {
  const names: Record<string, string> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' }
  const base =
    field.type === 'RECORD'
      ? `STRUCT<${(field.fields ?? []).map((f) => `${f.name} ${standardTypeName(f)}`).join(', ')}>`
      : (names[field.type] ?? field.type)
  return field.mode === 'REPEATED' ? `ARRAY<${base}>` : base
}

/** A REST schema field (tables.insert) → DuckDB column type. */
export function duckTypeOfField(field: { type: string; mode?: string; fields?: FieldSchema[] }): string {
  const base =
    field.type === 'RECORD' || field.type === 'STRUCT'
      ? `STRUCT(${(field.fields ?? []).map((f) => `${quoteDuck(f.name)} ${duckTypeOfField(f)}`).join(', ')})`
      : duckScalarType(field.type)
  return field.mode === 'REPEATED' ? `${base}[]` : base
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const char of text) {
    if (char === '(') depth++
    if (char === ')') depth--
    if (char === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += char
  }
  if (current.trim()) parts.push(current)
  return parts
}

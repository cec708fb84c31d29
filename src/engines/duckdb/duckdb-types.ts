/** DuckDB type text → BigQuery spelling, to compare live tables with contracts. */
export function duckDbTypeToBigQuery(type: string): string {
  const t = type.trim()
  if (t.endsWith('[]')) return `ARRAY<${duckDbTypeToBigQuery(t.slice(0, -2))}>`
  const struct = /^STRUCT\((.*)\)$/is.exec(t)
  if (struct)
    return `STRUCT<${splitTopLevel(struct[1] as string)
      .map(structField)
      .join(', ')}>`
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(t)
  if (decimal) return `NUMERIC(${decimal[1]}, ${decimal[2]})`
  const upper = t.toUpperCase()
  const map: Record<string, string> = {
    VARCHAR: 'STRING',
    BIGINT: 'INT64',
    INTEGER: 'INT64',
    SMALLINT: 'INT64',
    TINYINT: 'INT64',
    HUGEINT: 'INT64',
    UBIGINT: 'INT64',
    DOUBLE: 'FLOAT64',
    FLOAT: 'FLOAT64',
    BOOLEAN: 'BOOL',
    DATE: 'DATE',
    TIMESTAMP: 'TIMESTAMP',
    'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP',
    JSON: 'JSON',
    BLOB: 'BYTES',
    UUID: 'STRING',
  }
  return map[upper] ?? upper
}

function structField(field: string): string {
  const match = /^\s*("(?:[^"]|"")+"|[^\s]+)\s+(.*)$/s.exec(field)
  if (!match) return field
  const name = (match[1] as string).replace(/^"|"$/g, '').replaceAll('""', '"')
  return `${name} ${duckDbTypeToBigQuery(match[2] as string)}`
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

import type { ColumnSpec } from './dialect.js'

/** Pieces both dialects spell alike. */
export function columnList(columns: readonly string[], quote: (name: string) => string): string {
  return columns.map(quote).join(', ')
}

export function columnDefinitions(
  columns: readonly ColumnSpec[],
  quote: (name: string) => string,
  type: (t: string) => string,
): string {
  return columns.map((c) => `  ${quote(c.name)} ${type(c.type)}${c.nullable === false ? ' NOT NULL' : ''}`).join(',\n')
}

export function mergeStatement(parts: {
  target: string
  source: string
  uniqueKey: readonly string[]
  columns: readonly string[]
  quote: (name: string) => string
}): string {
  const { quote } = parts
  const on = parts.uniqueKey.map((k) => `t.${quote(k)} = s.${quote(k)}`).join(' AND ')
  const updates = parts.columns.filter((c) => !parts.uniqueKey.includes(c)).map((c) => `${quote(c)} = s.${quote(c)}`)
  const insertColumns = columnList(parts.columns, quote)
  const values = parts.columns.map((c) => `s.${quote(c)}`).join(', ')
  return [
    `MERGE INTO ${parts.target} AS t`,
    `USING ${parts.source} AS s`,
    `ON ${on}`,
    ...(updates.length ? [`WHEN MATCHED THEN UPDATE SET ${updates.join(', ')}`] : []),
    `WHEN NOT MATCHED THEN INSERT (${insertColumns}) VALUES (${values})`,
  ].join('\n')
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot render ${value} as a SQL literal`)
  return String(value)
}

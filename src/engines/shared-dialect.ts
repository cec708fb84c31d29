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
  /** Extra conditions on the target rows, ANDed to the ON clause (e.g. a constant partition filter). */
  targetFilter?: string
}): string {
  const { quote } = parts
  const on = [
    ...parts.uniqueKey.map((k) => `t.${quote(k)} = s.${quote(k)}`),
    ...(parts.targetFilter ? [parts.targetFilter] : []),
  ].join(' AND ')
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

/**
 * INSERT … SELECT of rows sent as one JSON-array parameter whose values are all text (or null):
 * `extract(column)` reads the column's field of the row `r` as a string, `typed` casts it to the
 * column's type.
 */
export function insertJsonRowsStatement(parts: {
  target: string
  columns: readonly ColumnSpec[]
  rows: string
  extract: (field: string) => string
  typed: (text: string, column: ColumnSpec) => string
  quote: (name: string) => string
}): string {
  const values = parts.columns.map((column) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(column.name))
      throw new Error(`column "${column.name}" cannot be a JSON field path; use letters, digits and _`)
    return parts.typed(parts.extract(column.name), column)
  })
  return [
    `INSERT INTO ${parts.target} (${columnList(
      parts.columns.map((c) => c.name),
      parts.quote,
    )})`,
    `SELECT ${values.join(', ')}`,
    `FROM ${parts.rows}`,
  ].join('\n')
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot render ${value} as a SQL literal`)
  return String(value)
}

import type { DuckDBConnection } from '@duckdb/node-api'
import type { FeatureValue } from '../../src/models/index.js'

/**
 * Append `rows` to `table` (an INTEGER id, then one DOUBLE column per key, in order), the id being the row's
 * position. Each value goes in as a double, never through a SQL literal: a plain decimal literal goes through
 * DECIMAL and can land one ulp off, which matters exactly at a model's split threshold. NaN stays NaN; null
 * and undefined are NULL.
 */
export async function appendDoubleRows(
  connection: DuckDBConnection,
  table: string,
  keys: readonly string[],
  rows: readonly Readonly<Record<string, FeatureValue>>[],
): Promise<void> {
  const appender = await connection.createAppender(table)
  rows.forEach((row, id) => {
    appender.appendInteger(id)
    for (const key of keys) {
      const value = row[key]
      if (value === null || value === undefined) appender.appendNull()
      else appender.appendDouble(value)
    }
    appender.endRow()
  })
  appender.closeSync()
}

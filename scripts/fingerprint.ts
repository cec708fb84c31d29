/**
 * Fingerprint of a built DuckDB warehouse, to compare a full build before and after a change:
 * rows and an order-independent checksum per table (run-dependent columns and hashes left out, floats
 * rounded to 6 decimals, also inside JSON, because DuckDB's parallel aggregation differs in the last bits),
 * the outcome of every check of the latest run, and the catboost_v8 hit rate.
 *
 *   npx tsx scripts/fingerprint.ts .pipeline/warehouse.duckdb > after.json
 *   diff before.json after.json
 *   (--by-column adds one checksum per column, to find what differs)
 */
import { DuckDBInstance } from '@duckdb/node-api'
import { pathToFileURL } from 'node:url'

/** Columns whose values depend on the run (ids, clocks, code version), not on the data. */
const RUN_DEPENDENT =
  /^(.*run_id|execution_id|batch_id|prediction_id|superseded_by|build_commit_sha|deployment_revision|.*_at|.*_time|.*_updated|.*_timestamp|.*_hash|.*_sha|duration_ms|duration_seconds|.*_ms)$/

type Rows = (sql: string) => Promise<Record<string, unknown>[]>

/**
 * Rows and an order-independent checksum per base table outside pipeline_state (staging tables left
 * out): run-dependent columns dropped, floats rounded to 6 decimals, also inside JSON and text.
 * `sum` adds the row hashes (xor would let two equal rows cancel out, so a duplicate shows in `sum`).
 */
export async function fingerprintTables(
  rows: Rows,
  options: { byColumn?: boolean; where?: Readonly<Record<string, string>> } = {},
): Promise<Record<string, Record<string, unknown>>> {
  const tables = await rows(`SELECT table_schema, table_name FROM information_schema.tables
    WHERE table_schema NOT IN ('pipeline_state', 'information_schema', 'main', 'pg_catalog') AND table_type = 'BASE TABLE'
      AND table_name NOT LIKE '%staging%' ORDER BY 1, 2`)
  const out: Record<string, Record<string, unknown>> = {}
  for (const t of tables) {
    const filter = options.where?.[`${t.table_schema}.${t.table_name}`]
    const name = `"${t.table_schema}"."${t.table_name}"${filter ? ` WHERE ${filter}` : ''}`
    const columns = await rows(`SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = '${t.table_schema}' AND table_name = '${t.table_name}' ORDER BY ordinal_position`)
    const kept = columns.filter((c) => !RUN_DEPENDENT.test(String(c.column_name)))
    const exprs = kept.map((c) => {
      const col = `"${c.column_name}"`
      if (/DOUBLE|FLOAT|DECIMAL|REAL/.test(String(c.data_type))) return `round(${col}::DOUBLE, 6)`
      // JSON text carries full-precision floats; DuckDB's parallel sums differ in the last bits (1e-15).
      if (/JSON|VARCHAR/.test(String(c.data_type)))
        return `[regexp_replace(${col}::VARCHAR, '-?\\d+\\.\\d+', '#', 'g')::VARCHAR, list_transform(regexp_extract_all(${col}::VARCHAR, '-?\\d+\\.\\d+'), x -> round(x::DOUBLE, 6)::VARCHAR)::VARCHAR]`
      return `regexp_replace(${col}::VARCHAR, '(\\d+\\.\\d{6})\\d+', '\\1', 'g')`
    })
    const expr = exprs.join(', ')
    const [summary] = await rows(
      `SELECT COUNT(*) AS n, bit_xor(hash(${expr || '1'})) AS checksum, sum(hash(${expr || '1'})::HUGEINT) AS sum FROM ${name}`,
    )
    const entry: Record<string, unknown> = {
      rows: summary?.n,
      checksum: String(summary?.checksum),
      ...(options.byColumn ? { sum: String(summary?.sum) } : {}),
    }
    if (options.byColumn) {
      for (const [i, c] of kept.entries()) {
        const one = exprs[i]
        const [h] = await rows(`SELECT bit_xor(hash(${one})) AS h FROM ${name}`)
        entry[String(c.column_name)] = `${c.data_type} ${String(h?.h)}`
      }
    }
    out[`${t.table_schema}.${t.table_name}`] = entry
  }
  return out
}

async function main(): Promise<void> {
  const byColumn = process.argv.includes('--by-column')
  const path = process.argv.slice(2).find((a) => !a.startsWith('--'))
  if (!path) {
    process.stderr.write('usage: npx tsx scripts/fingerprint.ts WAREHOUSE.duckdb\n')
    process.exitCode = 2
    return
  }
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' })
  const connection = await instance.connect()
  const rows: Rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson()
  const out: Record<string, unknown> = await fingerprintTables(rows, { byColumn })
  const [last] = await rows(`SELECT run_id FROM pipeline_state.runs ORDER BY started_at DESC LIMIT 1`)
  if (last) {
    const checks = await rows(`SELECT assertion, severity, COUNT(*) AS partitions,
        COUNT(*) FILTER (WHERE passed AND NOT skipped) AS passed, COUNT(*) FILTER (WHERE NOT passed) AS failed,
        COUNT(*) FILTER (WHERE skipped) AS skipped
      FROM pipeline_state.assertion_results WHERE run_id = '${last.run_id}' GROUP BY 1, 2 ORDER BY 1`)
    out.checks = Object.fromEntries(
      checks.map((c) => [c.assertion, `${c.severity} ${c.passed}/${c.failed}/${c.skipped} of ${c.partitions}`]),
    )
  }
  const hitRate = await rows(`SELECT system_id, COUNT(*) FILTER (WHERE prediction_correct IS NOT NULL) AS picks,
      round(AVG(CASE WHEN prediction_correct THEN 1.0 WHEN prediction_correct IS NOT NULL THEN 0.0 END), 4) AS hit_rate
    FROM nba_predictions.prediction_accuracy GROUP BY 1 ORDER BY 1`).catch(() => [])
  out.hitRate = hitRate
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
  connection.closeSync()
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()

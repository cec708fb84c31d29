import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedSources } from '../../src/cli/commands/seed.js'
import { BigQueryAdapter } from '../../src/engines/bigquery/bigquery-adapter.js'
import type { BigQueryClient } from '../../src/engines/bigquery/bigquery-client.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { Adapter } from '../../src/engines/adapter.js'
import { transferTables } from '../../src/engines/transfer.js'
import { applyMigrations } from '../../src/migrate/index.js'
import type { RunResult } from '../../src/runner/result.js'
import { runPipeline } from '../../src/runner/run.js'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { compileReal } from '../predictions/support.js'
import { REPO_ROOT, memoryAdapter, testRun } from '../support/fixtures.js'
import { localClient, startEndpoint } from './local-client.js'
import { FLOAT_DIGITS, checksumTable } from './table-checksum.js'
import type { ChecksummedTable, TableChecksum } from './table-checksum.js'

/**
 * The differential test (issue 11): the sample built on DuckDB and through the local BigQuery endpoint
 * (the real client, the real adapter, the BigQuery SQL, BigQuery's rules) gives the same four
 * persistent tables (DOMAIN §1.2).
 *
 * A slice of the sample, not all of it, so the test takes seconds: season 2024-25 from its first game
 * (2024-10-22) through 2024-11-15. It still runs every action of the DAG with rows to write: the 14
 * bootstrap days (store rows, unusable features), then ten game days with features, predictions of
 * every system, the execution log and grading, and the scheduled slate after THROUGH (predicted, not
 * graded). Both engines get the same generated sources (generated once in DuckDB, then loaded into the
 * endpoint through the adapter, as `start` does) and the same run identity, so run id, build sha and
 * the run's clock are equal by construction; what still differs from one run to another is listed per
 * table and left out. (The shared template warehouses of test/support/template.ts hold other slices, seeded
 * through 2024-12-31 or built under other run identities; loading one into the endpoint would cost more than
 * generating this slice.) The tables are read where each engine stored them (the endpoint's DuckDB is
 * read directly: paging 5,000 rows of 100 columns through the REST API would double the test's time).
 */
const THROUGH = '2024-11-15'

const RANDOM_ID = 'a random UUID per row (GENERATE_UUID / gen_random_uuid)'
const WALL_CLOCK = 'the wall clock when the statement ran, not the run start'

const TABLES: readonly ChecksummedTable[] = [
  {
    target: { dataset: 'nba_predictions', name: 'ml_feature_store_v2' },
    runDependent: {},
  },
  {
    target: { dataset: 'nba_predictions', name: 'player_prop_predictions' },
    runDependent: { prediction_id: RANDOM_ID, execution_id: RANDOM_ID, created_at: WALL_CLOCK },
  },
  {
    target: { dataset: 'nba_predictions', name: 'prediction_accuracy' },
    runDependent: { prediction_id: RANDOM_ID },
  },
  {
    target: { dataset: 'nba_predictions', name: 'prediction_execution_log' },
    runDependent: { execution_id: RANDOM_ID, execution_end_timestamp: WALL_CLOCK, duration_seconds: WALL_CLOCK },
  },
]

let endpoint: LocalBigQuery
let duckdb: DuckDbAdapter
let bigquery: BigQueryAdapter
const results: { duckdb?: RunResult; bigquery?: RunResult } = {}

const migrate = (adapter: Adapter) =>
  applyMigrations(adapter, { root: REPO_ROOT, stateDataset: 'pipeline_state', buildCommitSha: 'test-sha' })

beforeAll(async () => {
  endpoint = await startEndpoint()
  duckdb = await memoryAdapter()
  bigquery = new BigQueryAdapter(localClient(endpoint) as unknown as BigQueryClient, { project: 'local' })
  await Promise.all([migrate(duckdb), migrate(bigquery)])
  const [duckGraph, bigQueryGraph] = await Promise.all([compileReal('duckdb'), compileReal('bigquery')])
  await seedSources(duckGraph, duckdb, { seasons: 1, seed: 42, through: THROUGH }, () => undefined)
  const sources = duckGraph.actions.flatMap((a) => (a.kind === 'declaration' && a.target ? [a.target] : []))
  await transferTables(duckdb, bigquery, sources)
  const run = testRun()
  // The two builds are independent (one in-process DuckDB each): run them at once.
  ;[results.duckdb, results.bigquery] = await Promise.all([
    runPipeline({ graph: duckGraph, adapter: duckdb, run, runsDir: null }),
    runPipeline({ graph: bigQueryGraph, adapter: bigquery, run, runsDir: null }),
  ])
}, 180_000)

afterAll(async () => {
  await endpoint?.close()
  await duckdb?.close()
})

/** The DuckDB warehouse read as the endpoint's is (getRowObjectsJS), so both sides decode values alike. */
const readDuckDb = (sql: string) =>
  duckdb.withConnection(async (c) => (await (await c.run(sql)).getRowObjectsJS()) as Record<string, unknown>[])

const failed = (result: RunResult | undefined) =>
  (result?.actions ?? [])
    .filter((a) => a.status !== 'succeeded')
    .map((a) => `${a.name}: ${a.status} ${a.error?.message ?? ''}`)

describe(`the sample through ${THROUGH} on DuckDB and through the local BigQuery endpoint`, () => {
  it('builds every action on both engines, writing rows to every incremental table', () => {
    expect(failed(results.duckdb)).toEqual([])
    expect(failed(results.bigquery)).toEqual([])
    const written = (result: RunResult | undefined) =>
      Object.fromEntries(
        (result?.actions ?? []).filter((a) => a.rowsWritten !== null).map((a) => [a.name, a.rowsWritten]),
      )
    const onDuckDb = written(results.duckdb)
    for (const table of TABLES.slice(0, 3)) expect(onDuckDb[table.target.name], table.target.name).toBeGreaterThan(0)
    expect(written(results.bigquery)).toEqual(onDuckDb)
  })

  it.each(TABLES.map((t) => [t.target.name, t] as const))(
    `%s: same rows, same order-independent checksum of every column but the run-dependent ones (floats to ${FLOAT_DIGITS} significant digits)`,
    async (_name, table) => {
      const [onDuckDb, onBigQuery] = await Promise.all([
        checksumTable(readDuckDb, table),
        checksumTable((sql) => endpoint.inspect(sql), table),
      ])
      expect(onDuckDb.rows).toBeGreaterThan(0)
      expect(onBigQuery.rows).toBe(onDuckDb.rows)
      if (onBigQuery.checksum !== onDuckDb.checksum) expect(differingColumns(onDuckDb, onBigQuery)).toEqual([])
      expect(onBigQuery.checksum).toBe(onDuckDb.checksum)
    },
  )
})

function differingColumns(a: TableChecksum, b: TableChecksum): string[] {
  const [left, right] = [a.columns(), b.columns()]
  const names = new Set([...Object.keys(left), ...Object.keys(right)])
  return [...names].filter((c) => left[c] !== right[c]).sort()
}

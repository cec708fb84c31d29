import { describe, expect, it } from 'vitest'
import { BigQueryAdapter } from '../../src/engines/bigquery/bigquery-adapter.js'
import { createBigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import type { BigQueryDatasetHandle } from '../../src/engines/bigquery/bigquery-client.js'
import { runPipeline } from '../../src/runner/run.js'
import { parseBigQuery } from '../support/bigquery-parse.js'
import { compileFixture, testRun } from '../support/fixtures.js'
import { EVERY_TABLE_HAS_X, RecordingBigQueryClient, soleLeaseHolder } from '../support/recording-bigquery.js'

describe('BigQueryAdapter over a recording client', () => {
  it('sends standard SQL with only the parameters the statement uses, typed, with location and labels', async () => {
    const client = new RecordingBigQueryClient(() => [{ n: { value: '5' }, d: { value: '2026-01-09' } }])
    const adapter = new BigQueryAdapter(client, {
      project: 'proj',
      location: 'EU',
      labels: { app: 'shop', run_id: 'Run/ABC', build_commit_sha: 'a'.repeat(50) },
    })
    const rows = await adapter.query('SELECT COUNT(*) AS n FROM t WHERE d >= CAST(@interval_start AS DATE)', {
      params: { interval_start: '2026-01-09', unused: 'x', n: null },
      label: 'ml_feature_store_v2',
    })
    expect(rows).toEqual([{ n: 5, d: '2026-01-09' }])
    expect(client.requests).toEqual([
      expect.objectContaining({
        query: 'SELECT COUNT(*) AS n FROM t WHERE d >= CAST(@interval_start AS DATE)',
        useLegacySql: false,
        location: 'EU',
        params: { interval_start: '2026-01-09' },
        types: { interval_start: 'STRING' },
        labels: {
          app: 'shop',
          run_id: 'run_abc',
          build_commit_sha: 'a'.repeat(50),
          action: 'ml_feature_store_v2',
        },
      }),
    ])
    expect(client.requests[0]?.dryRun).toBeUndefined()
  })

  it('creates datasets in the configured location and refuses a location that is not a name', async () => {
    const client = new RecordingBigQueryClient(() => [])
    const adapter = new BigQueryAdapter(client, { project: 'proj', location: 'europe-west2' })
    const statement = adapter.dialect.createSchema('nba_predictions')
    expect(statement).toBe("CREATE SCHEMA IF NOT EXISTS `proj.nba_predictions` OPTIONS (location = 'europe-west2')")
    expect(() => parseBigQuery(statement)).not.toThrow()
    expect(createBigQueryDialect({ project: 'proj' }).createSchema('nba_predictions')).toBe(
      'CREATE SCHEMA IF NOT EXISTS `proj.nba_predictions`',
    )
    expect(() => createBigQueryDialect({ location: "US') --" })).toThrow(
      /BigQuery location "US'\) --" is not a location name; set PIPELINE_BQ_LOCATION/,
    )
  })

  it('sends a transaction as one script and dry runs add up bytes without reading results', async () => {
    const client = new RecordingBigQueryClient()
    const adapter = new BigQueryAdapter(client, { project: 'proj', dryRun: true })
    await adapter.transaction([
      { sql: 'DELETE FROM `proj.d.t` WHERE x = @a', params: { a: 1 } },
      { sql: 'INSERT INTO `proj.d.t` (x) VALUES (@b)', params: { b: 2.5 } },
    ])
    await adapter.execute('SELECT 1')
    expect(client.requests[0]?.query).toBe(
      'BEGIN TRANSACTION;\nDELETE FROM `proj.d.t` WHERE x = @a;\nINSERT INTO `proj.d.t` (x) VALUES (@b);\nCOMMIT TRANSACTION;',
    )
    expect(client.requests[0]?.types).toEqual({ a: 'INT64', b: 'FLOAT64' })
    expect(client.requests.every((r) => r.dryRun === true)).toBe(true)
    expect(adapter.dryRunBytes).toBe(2 * 1048576)
    parseBigQuery(client.requests[0]?.query as string)
  })

  it('describes tables through the tables API (a 404 is absent, no query is sent) and dry-run schemas in BigQuery spelling', async () => {
    const client = new RecordingBigQueryClient(
      () => [],
      (dataset) =>
        dataset === 'nba'
          ? {
              schema: {
                fields: [
                  { name: 'game_date', type: 'DATE', mode: 'REQUIRED' },
                  { name: 'line', type: 'NUMERIC', precision: '5', scale: '1' },
                ],
              },
            }
          : null,
    )
    const adapter = new BigQueryAdapter(client, { project: 'proj' })
    expect(await adapter.describeTable({ dataset: 'nba', name: 'fs' })).toEqual([
      { name: 'game_date', type: 'DATE', nullable: false },
      { name: 'line', type: 'NUMERIC(5, 1)', nullable: true },
    ])
    expect(await adapter.tableExists({ dataset: 'missing_dataset', name: 'fs' })).toBe(false)
    expect(client.tableRequests).toEqual(['nba.fs', 'missing_dataset.fs'])
    expect(client.requests).toEqual([])
    expect(await adapter.describeQuery('SELECT 1')).toEqual([
      { name: 'x', type: 'INT64', nullable: true },
      { name: 'tags', type: 'ARRAY<STRING>', nullable: true },
    ])
  })

  it('describes several relations with one tables.get each, columns and layout together, and no query', async () => {
    const client = new RecordingBigQueryClient(
      () => [],
      (dataset, table) =>
        dataset === 'nba' && table === 'fs'
          ? {
              schema: { fields: [{ name: 'game_date', type: 'DATE', mode: 'REQUIRED' }] },
              timePartitioning: { type: 'DAY', field: 'game_date' },
              clustering: { fields: ['player'] },
            }
          : null,
    )
    const adapter = new BigQueryAdapter(client, { project: 'proj' })
    const found = await adapter.describeRelations([
      { dataset: 'nba', name: 'fs' },
      { dataset: 'missing_dataset', name: 'fs' },
      { dataset: 'nba', name: 'fs' },
    ])
    expect(found).toEqual(
      new Map([
        [
          'nba.fs',
          {
            columns: [{ name: 'game_date', type: 'DATE', nullable: false }],
            layout: { partitionBy: 'game_date', clusterBy: ['player'] },
          },
        ],
        ['missing_dataset.fs', null],
      ]),
    )
    expect(client.tableRequests.sort()).toEqual(['missing_dataset.fs', 'nba.fs'])
    expect(client.requests).toEqual([])
  })

  it('keeps a bounded number of tables.get requests in flight for a large project', async () => {
    const client = new SlowTables(() => [], EVERY_TABLE_HAS_X)
    const adapter = new BigQueryAdapter(client, { project: 'proj' })
    const targets = Array.from({ length: 100 }, (_, i) => ({ dataset: 'nba', name: `t${i}` }))
    const found = await adapter.describeRelations(targets)
    expect([...found.keys()].sort()).toEqual(targets.map((t) => `nba.${t.name}`).sort())
    expect(client.tableRequests).toHaveLength(100)
    expect(client.mostInFlight).toBeGreaterThan(1)
    expect(client.mostInFlight).toBeLessThanOrEqual(16)
  })

  it('wraps engine errors with the statement and job', async () => {
    const adapter = new BigQueryAdapter(new RecordingBigQueryClient(() => new Error('Access Denied')), { project: 'p' })
    await expect(adapter.execute('SELECT 1')).rejects.toThrow(/bigquery: Access Denied\n {2}in statement: SELECT 1/)
  })

  it('runs the shop fixture against the fake and every statement it sends parses as BigQuery SQL', async () => {
    const leases = soleLeaseHolder()
    const client = new RecordingBigQueryClient(
      (r) => (/MAX\(/.test(r.query) ? [{ latest: '2026-01-03' }] : (leases(r) ?? [])),
      EVERY_TABLE_HAS_X,
    )
    const adapter = new BigQueryAdapter(client, { project: 'proj' })
    const graph = await compileFixture('shop', 'bigquery')
    const result = await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01' })
    expect(result.actions.find((a) => a.name === 'customers')?.status).toBe('succeeded')
    expect(client.requests.length).toBeGreaterThan(20)
    for (const request of client.requests) parseBigQuery(request.query)
    const scripts = client.requests.filter((r) => r.query.startsWith('BEGIN TRANSACTION;'))
    expect(scripts.length).toBeGreaterThan(0) // interval writes: delete + insert + interval record, atomically
    expect(scripts.filter((r) => /CREATE|DROP|ALTER/.test(r.query))).toEqual([]) // DDL never inside a BigQuery transaction
    // The rebuilt table is swapped in by a copy job, not a second CREATE OR REPLACE … AS SELECT scan.
    expect(client.requests.some((r) => r.query.startsWith('CREATE OR REPLACE TABLE `proj.shop.customers`'))).toBe(false)
    expect(client.copies.map((c) => c.configuration.copy.destinationTable)).toEqual([
      { projectId: 'proj', datasetId: 'shop', tableId: 'customers' },
    ])
    expect(client.copies[0]?.configuration.copy).toMatchObject({
      sourceTable: { tableId: expect.stringMatching(/^customers__staging_/) },
      writeDisposition: 'WRITE_TRUNCATE',
    })
    // Each dataset is created once per run (one adapter), not once per action.
    const schemas = client.requests.filter((r) => r.query.startsWith('CREATE SCHEMA'))
    expect(schemas.map((r) => r.query)).toEqual([...new Set(schemas.map((r) => r.query))])
    expect(schemas.length).toBeGreaterThan(0)
    // Every job carries the job id prefix.
    expect(client.requests.every((r) => r.jobPrefix === 'pipeline_')).toBe(true)
  })
})

/** tables.get answers that take a few milliseconds, counting how many were in flight at once. */
class SlowTables extends RecordingBigQueryClient {
  #inFlight = 0
  mostInFlight = 0

  override dataset(dataset: string): BigQueryDatasetHandle {
    const handle = super.dataset(dataset)
    return {
      table: (table: string) => {
        const inner = handle.table(table)
        return {
          ...inner,
          getMetadata: async () => {
            this.mostInFlight = Math.max(this.mostInFlight, ++this.#inFlight)
            await new Promise((resolve) => setTimeout(resolve, 2))
            try {
              return await inner.getMetadata()
            } finally {
              this.#inFlight--
            }
          },
        }
      },
    }
  }
}

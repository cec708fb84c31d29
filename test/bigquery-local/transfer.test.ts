import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { BigQueryAdapter } from '../../src/engines/bigquery/bigquery-adapter.js'
import type { BigQueryClient } from '../../src/engines/bigquery/bigquery-client.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { transferTables } from '../../src/engines/transfer.js'
import { memoryAdapter } from '../support/fixtures.js'
import { localClient, startEndpoint } from './local-client.js'

let endpoint: LocalBigQuery
let duck: DuckDbAdapter
let bigquery: BigQueryAdapter

beforeAll(async () => {
  endpoint = await startEndpoint()
  bigquery = new BigQueryAdapter(localClient(endpoint) as unknown as BigQueryClient, { project: 'local' })
  duck = await memoryAdapter()
  await duck.execute(`CREATE SCHEMA raw;
    CREATE TABLE raw.games AS SELECT * FROM (VALUES
      (DATE '2024-01-02', 'ann', 10.5, TRUE, TIMESTAMP '2024-01-02 03:04:05', 7),
      (DATE '2024-01-03', 'o''neil', NULL, FALSE, NULL, NULL)
    ) t(game_date, player, points, starter, updated_at, minutes)`)
})

afterAll(async () => {
  await duck.close()
  await endpoint.close()
})

describe('loading generated tables into BigQuery (seed on --engine bigquery)', () => {
  it('creates the dataset and table with the same columns and loads every value, NULLs kept NULL', async () => {
    const loaded = await transferTables(duck, bigquery, [
      { dataset: 'raw', name: 'games' },
      { dataset: 'raw', name: 'not_generated' },
    ])
    expect(loaded).toEqual([{ table: 'raw.games', rows: 2 }])
    expect(await bigquery.describeTable({ dataset: 'raw', name: 'games' })).toEqual(
      await duck.describeTable({ dataset: 'raw', name: 'games' }),
    )
    const read = (a: DuckDbAdapter | BigQueryAdapter) =>
      a.query(
        `SELECT CAST(game_date AS STRING) AS d, player, points, starter, CAST(updated_at AS STRING) AS t, minutes FROM ${a.dialect.formatTarget({ dataset: 'raw', name: 'games' })} ORDER BY d`,
      )
    const rows = await read(bigquery)
    expect(rows).toEqual([
      {
        d: '2024-01-02',
        player: 'ann',
        points: 10.5,
        starter: true,
        t: expect.stringMatching(/^2024-01-02 03:04:05/),
        minutes: 7,
      },
      { d: '2024-01-03', player: "o'neil", points: null, starter: false, t: null, minutes: null },
    ])
    // A table that already exists is left alone.
    expect(await transferTables(duck, bigquery, [{ dataset: 'raw', name: 'games' }])).toEqual([])
  })
})

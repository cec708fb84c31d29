import type { BigQuery } from '@google-cloud/bigquery'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { localClient, startEndpoint } from './local-client.js'

let endpoint: LocalBigQuery
let bq: BigQuery

async function query(sql: string, params?: Record<string, unknown>, types?: Record<string, string>) {
  const [job] = await bq.createQueryJob({ query: sql, ...(params ? { params } : {}), ...(types ? { types } : {}) })
  const [rows] = await job.getQueryResults()
  return { job, rows: rows as Record<string, unknown>[] }
}

beforeAll(async () => {
  endpoint = await startEndpoint({ pageSize: 4 })
  bq = localClient(endpoint)
  await bq.createDataset('shop')
  await query(
    'CREATE TABLE `local.shop.orders` (id INT64 NOT NULL, customer STRING, amount NUMERIC, placed DATE, ordered_at TIMESTAMP, tags ARRAY<STRING>)',
  )
  await query(
    "INSERT INTO `local.shop.orders` (id, customer, amount, placed, ordered_at, tags) VALUES (1, 'ann', 10.5, DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00:00.250 UTC', ['a', 'b']), (2, 'bob', 3, DATE '2024-01-02', NULL, [])",
  )
})

afterAll(async () => {
  await endpoint.close()
})

describe('local BigQuery endpoint through the real client', () => {
  it('serves datasets and tables get, list and delete', async () => {
    const [exists] = await bq.dataset('shop').exists()
    const [missing] = await bq.dataset('nothing_here').exists()
    expect([exists, missing]).toEqual([true, false])
    const [tables] = await bq.dataset('shop').getTables()
    expect(tables.map((t) => t.id)).toEqual(['orders'])
    const [meta] = await bq.dataset('shop').table('orders').getMetadata()
    expect(
      meta.schema.fields.map((f: { name: string; type: string; mode: string }) => `${f.name}:${f.type}:${f.mode}`),
    ).toEqual([
      'id:INTEGER:REQUIRED',
      'customer:STRING:NULLABLE',
      'amount:NUMERIC:NULLABLE',
      'placed:DATE:NULLABLE',
      'ordered_at:TIMESTAMP:NULLABLE',
      'tags:STRING:REPEATED',
    ])
    expect(meta.numRows).toBe('2')
    await bq
      .dataset('shop')
      .table('scratch')
      .create({ schema: [{ name: 'x', type: 'STRING' }] })
    await bq.dataset('shop').table('scratch').delete()
    const [gone] = await bq.dataset('shop').table('scratch').exists()
    expect(gone).toBe(false)
  })

  it('returns typed rows: integers, numerics, dates, microsecond timestamps and arrays', async () => {
    const { rows } = await query(
      'SELECT id, amount, placed, ordered_at, tags FROM `local.shop.orders` WHERE id = @id',
      { id: 1 },
    )
    const [row] = rows as [Record<string, { value?: string } & Record<string, unknown>>]
    expect(row.id).toBe(1)
    expect(String(row.amount)).toBe('10.5')
    expect(row.placed?.value).toBe('2024-01-01')
    expect(row.ordered_at?.value).toBe('2024-01-01T10:00:00.250Z')
    expect(row.tags).toEqual(['a', 'b'])
  })

  it('binds typed parameters, a typed NULL included', async () => {
    const { rows } = await query(
      'SELECT COUNT(*) AS n FROM `local.shop.orders` WHERE placed >= CAST(@from AS DATE) AND (@who IS NULL OR customer = @who)',
      { from: '2024-01-02', who: null },
      { from: 'STRING', who: 'STRING' },
    )
    expect(rows).toEqual([{ n: 1 }])
  })

  it('counts DML rows in the job statistics', async () => {
    const { job } = await query("UPDATE `local.shop.orders` SET customer = UPPER(customer) WHERE customer = 'bob'")
    expect(job.metadata.statistics.query.numDmlAffectedRows).toBe('1')
    expect(job.metadata.statistics.query.statementType).toBe('UPDATE')
  })

  it('pages results with maxResults and pageToken', async () => {
    const [job] = await bq
      .createQueryJob({ query: 'SELECT x FROM UNNEST(GENERATE_ARRAY(1, 25)) AS x' })
      .catch(() => [null])
    expect(job).toBeNull() // GENERATE_ARRAY is not translated: the endpoint names what it lacks
    const [paged] = await bq.createQueryJob({ query: 'SELECT x FROM UNNEST([1, 2, 3, 4, 5, 6, 7]) AS x ORDER BY x' })
    const [first, next] = await paged.getQueryResults({ maxResults: 3, autoPaginate: false })
    expect(first).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }])
    expect(next).toMatchObject({ pageToken: '3' })
    const [third] = await paged.getQueryResults({ maxResults: 3, pageToken: '6', autoPaginate: false })
    expect(third).toEqual([{ x: 7 }])
    // Without maxResults the endpoint pages by 4 and the client follows the tokens.
    const [all] = await paged.getQueryResults()
    expect(all).toEqual([1, 2, 3, 4, 5, 6, 7].map((x) => ({ x })))
  })

  it('polls while the job reports jobComplete false', async () => {
    endpoint.faults.inject({ kind: 'pending', polls: 2 })
    const [job] = await bq.createQueryJob({ query: 'SELECT 41 + 1 AS answer' })
    expect(job.metadata.status.state).toBe('RUNNING')
    const [rows] = await job.getQueryResults()
    expect(rows).toEqual([{ answer: 42 }])
    expect(endpoint.faults.fired).toContainEqual({ kind: 'pending', polls: 2 })
  })

  it('runs a script with a transaction atomically and rolls back on error', async () => {
    await query(`BEGIN TRANSACTION;
DELETE FROM \`local.shop.orders\` WHERE id = 2;
INSERT INTO \`local.shop.orders\` (id, customer, placed) VALUES (3, 'cy', DATE '2024-01-03');
COMMIT TRANSACTION;`)
    const failing = `BEGIN TRANSACTION;
DELETE FROM \`local.shop.orders\` WHERE id = 1;
SELECT * FROM \`local.shop.missing\`;
COMMIT TRANSACTION;`
    await expect(query(failing)).rejects.toThrow('Not found: Table local:shop.missing was not found in location US')
    const { rows } = await query('SELECT id FROM `local.shop.orders` ORDER BY id')
    expect(rows).toEqual([{ id: 1 }, { id: 3 }])
  })

  it('merges a source into a target', async () => {
    await query('CREATE TABLE `local.shop.updates` AS SELECT 1 AS id, 99.5 AS amount UNION ALL SELECT 7, 1.25')
    const { job } = await query(`MERGE INTO \`local.shop.orders\` AS t
USING \`local.shop.updates\` AS s
ON t.id = s.id
WHEN MATCHED THEN UPDATE SET amount = CAST(s.amount AS NUMERIC)
WHEN NOT MATCHED THEN INSERT (id, amount) VALUES (s.id, CAST(s.amount AS NUMERIC))`)
    expect(job.metadata.statistics.query.numDmlAffectedRows).toBe('2')
    const { rows } = await query('SELECT id, CAST(amount AS FLOAT64) AS amount FROM `local.shop.orders` ORDER BY id')
    expect(rows).toEqual([
      { id: 1, amount: 99.5 },
      { id: 3, amount: null },
      { id: 7, amount: 1.25 },
    ])
  })

  it('answers a dry run with bytes and a schema, and runs nothing', async () => {
    const [job] = await bq.createQueryJob({
      query: "DELETE FROM `local.shop.orders` WHERE customer = 'ann'",
      dryRun: true,
    })
    expect(Number(job.metadata.statistics.totalBytesProcessed)).toBeGreaterThan(0)
    const [select] = await bq.createQueryJob({ query: 'SELECT id, customer FROM `local.shop.orders`', dryRun: true })
    expect(select.metadata.statistics.query.schema.fields.map((f: { name: string }) => f.name)).toEqual([
      'id',
      'customer',
    ])
    const { rows } = await query('SELECT COUNT(*) AS n FROM `local.shop.orders`')
    expect(rows).toEqual([{ n: 3 }])
  })

  it('describes a dataset through INFORMATION_SCHEMA with BigQuery type names', async () => {
    const { rows } = await query(
      'SELECT column_name, data_type, is_nullable FROM `local.shop`.INFORMATION_SCHEMA.COLUMNS WHERE table_name = @table ORDER BY ordinal_position',
      { table: 'orders' },
    )
    expect(rows.map((r) => `${r.column_name} ${r.data_type} ${r.is_nullable}`)).toEqual([
      'id INT64 NO',
      'customer STRING YES',
      'amount NUMERIC YES',
      'placed DATE YES',
      'ordered_at TIMESTAMP YES',
      'tags ARRAY<STRING> YES',
    ])
  })
})

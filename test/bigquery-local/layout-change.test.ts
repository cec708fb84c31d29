import type { BigQuery } from '@google-cloud/bigquery'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { BigQueryAdapter } from '../../src/engines/bigquery/bigquery-adapter.js'
import type { BigQueryClient } from '../../src/engines/bigquery/bigquery-client.js'
import { runPipeline } from '../../src/runner/run.js'
import type { RunOptions } from '../../src/runner/run.js'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { compileFixture, testRun } from '../support/fixtures.js'
import { createShopSources, localClient, queryRows, startEndpoint } from './local-client.js'

/**
 * A definition whose partitioning or clustering no longer matches the live table: BigQuery changes
 * neither in place (a copy job or CREATE OR REPLACE with another spec is refused), so a rebuilt table is
 * dropped and recreated (the documented path), and an incremental one, which keeps its rows, is refused
 * with what to do, until a full refresh rebuilds it.
 */
let endpoint: LocalBigQuery
let bq: BigQuery
let graph: CompiledGraph

const rows = (query: string) => queryRows(bq, query)

const build = (options: Partial<RunOptions> = {}) =>
  runPipeline({
    graph,
    adapter: new BigQueryAdapter(localClient(endpoint) as unknown as BigQueryClient, { project: 'local' }),
    run: testRun(),
    runsDir: null,
    ...options,
  })

async function layout(table: string) {
  const [metadata] = await bq.dataset('shop').table(table).getMetadata()
  return { partition: metadata.timePartitioning?.field ?? null, cluster: metadata.clustering?.fields ?? [] }
}

beforeAll(async () => {
  endpoint = await startEndpoint()
  bq = localClient(endpoint)
  graph = await compileFixture('shop', 'bigquery')
  await createShopSources(rows)
  await rows('CREATE SCHEMA `local.shop`')
  // Tables an older version of the definitions created with another layout.
  await rows(`CREATE TABLE \`local.shop.customers\` (customer_id INT64, country STRING, since DATE)
PARTITION BY since CLUSTER BY country`)
  await rows(`CREATE TABLE \`local.shop.orders_daily\` (order_date DATE, customer_id INT64, orders INT64, amount FLOAT64,
  build_commit_sha STRING, run_id STRING) CLUSTER BY customer_id`)
})

afterAll(async () => {
  await endpoint?.close()
})

describe('a changed partitioning or clustering on BigQuery (local endpoint)', () => {
  it('drops and recreates a rebuilt table whose layout changed, instead of failing its copy job', async () => {
    expect(await layout('customers')).toEqual({ partition: 'since', cluster: ['country'] })
    const result = await build({ selection: { actions: ['customers'] } })
    expect(result.actions.map((a) => [a.name, a.status, a.error?.message ?? ''])).toEqual([
      ['customers', 'succeeded', ''],
    ])
    expect(await layout('customers')).toEqual({ partition: null, cluster: [] })
    expect(await rows('SELECT COUNT(*) AS n FROM `local.shop.customers`')).toEqual([{ n: 3 }])
  })

  it('refuses to write an incremental table whose layout changed, naming the table, both layouts and the fix', async () => {
    await expect(build({ selection: { actions: ['orders_daily'] } })).rejects.toThrow(
      /Action "orders_daily" \(.*\): table `local\.shop\.orders_daily` is not partitioned, clustered by customer_id, the definition asks partitioned by order_date, not clustered; BigQuery cannot change a table's partitioning or clustering in place: rebuild it with "pipeline run --full-refresh --actions orders_daily"/,
    )
    expect(await rows('SELECT COUNT(*) AS n FROM `local.shop.orders_daily`')).toEqual([{ n: 0 }])
  })

  it('rebuilds it with --full-refresh, in the new layout', async () => {
    const result = await build({ selection: { actions: ['orders_daily'] }, fullRefresh: true })
    expect(result.actions.filter((a) => a.status !== 'succeeded')).toEqual([])
    expect(await layout('orders_daily')).toEqual({ partition: 'order_date', cluster: [] })
    expect(await rows('SELECT COUNT(*) AS n FROM `local.shop.orders_daily`')).toEqual([{ n: 5 }])
  })
})

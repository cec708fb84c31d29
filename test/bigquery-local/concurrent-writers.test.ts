import type { BigQuery } from '@google-cloud/bigquery'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { BigQueryAdapter } from '../../src/engines/bigquery/bigquery-adapter.js'
import type { BigQueryClient } from '../../src/engines/bigquery/bigquery-client.js'
import type { RunResult } from '../../src/runner/result.js'
import { runPipeline } from '../../src/runner/run.js'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { compileFixture, testRun } from '../support/fixtures.js'
import { createShopSources, localClient, queryRows, startEndpoint } from './local-client.js'

/**
 * Two writers at once on one BigQuery project (two processes, two runs): each action is written by one
 * of them only. The other finds the action's lease held (or, having planned before the first writer
 * recorded its intervals, finds them built since) and fails that action without writing anything.
 */
let endpoint: LocalBigQuery
let bq: BigQuery
let graph: CompiledGraph

const rows = (query: string) => queryRows(bq, query)

const writer = () => new BigQueryAdapter(localClient(endpoint) as unknown as BigQueryClient, { project: 'local' })

beforeAll(async () => {
  endpoint = await startEndpoint()
  bq = localClient(endpoint)
  graph = await compileFixture('shop', 'bigquery')
  await createShopSources(rows)
  // The state tables exist before the race, as after `migrate up`.
  const first = await runPipeline({
    graph,
    adapter: writer(),
    run: testRun({ id: 'setup' }),
    runsDir: null,
    selection: { actions: ['customers'] },
  })
  expect(first.ok).toBe(true)
})

afterAll(async () => {
  await endpoint?.close()
})

const INCREMENTAL = ['orders_daily', 'customer_totals', 'orders_log']

describe('two runs writing the same actions at once through the local endpoint', () => {
  let results: RunResult[] = []

  beforeAll(async () => {
    results = await Promise.all(
      ['writer-a', 'writer-b'].map((id) =>
        runPipeline({ graph, adapter: writer(), run: testRun({ id }), runsDir: null }),
      ),
    )
  })

  it('lets one writer per action write it; the other fails that action as busy, naming the reason', () => {
    const failures = results.flatMap((r) => r.actions.filter((a) => a.status === 'failed'))
    // Each failure is a lease refusal (no other error), and it happens: the two runs do race.
    expect(failures.length).toBeGreaterThan(0)
    for (const failure of failures) {
      expect(failure.error?.code, failure.name).toBe('action-busy')
      expect(failure.error?.message, failure.name).toMatch(
        /another writer holds its lease \(run writer-[ab] |built .* while this run was planning/,
      )
    }
    for (const name of INCREMENTAL) {
      const wrote = results.filter((r) => (r.actions.find((a) => a.name === name)?.intervals.length ?? 0) > 0)
      expect(wrote.length, name).toBeLessThanOrEqual(1)
    }
  })

  it('loses and doubles no row: every date is recorded once and each table holds one row per key', async () => {
    for (const name of INCREMENTAL) {
      const recorded = await rows(
        `SELECT CAST(interval_start AS STRING) AS d, COUNT(*) AS n FROM \`local.pipeline_state.intervals\` WHERE action = '${name}' GROUP BY 1`,
      )
      expect(
        recorded.every((r) => r.n === 1),
        name,
      ).toBe(true)
    }
    const [log] = await rows('SELECT COUNT(*) AS n, COUNT(DISTINCT order_date) AS dates FROM `local.shop.orders_log`')
    const [daily] = await rows('SELECT COUNT(*) AS n FROM `local.shop.orders_daily`')
    // Whatever each writer got to build, nothing is there twice (orders_log appends: a second write would double it).
    expect(Number(log?.n)).toBeLessThanOrEqual(5)
    expect(Number(daily?.n)).toBeLessThanOrEqual(5)
  })

  it('leaves no lease held: a third run builds whatever the race left undone', async () => {
    const third = await runPipeline({ graph, adapter: writer(), run: testRun({ id: 'writer-c' }), runsDir: null })
    expect(third.actions.filter((a) => a.status === 'failed')).toEqual([])
    expect(await rows('SELECT COUNT(*) AS n FROM `local.shop.orders_log`')).toEqual([{ n: 5 }])
    expect(await rows('SELECT COUNT(*) AS n FROM `local.shop.orders_daily`')).toEqual([{ n: 5 }])
  })
})

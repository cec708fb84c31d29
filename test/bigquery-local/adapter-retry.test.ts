import type { BigQuery } from '@google-cloud/bigquery'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { BigQueryAdapter } from '../../src/engines/bigquery/bigquery-adapter.js'
import type { BigQueryClient } from '../../src/engines/bigquery/bigquery-client.js'
import type { RetryEvent } from '../../src/engines/bigquery/bigquery-retry.js'
import { backoffDelay, transientReason } from '../../src/engines/bigquery/bigquery-retry.js'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { localClient, startEndpoint } from './local-client.js'

let endpoint: LocalBigQuery
let bq: BigQuery
let adapter: BigQueryAdapter
let retries: RetryEvent[]
let waits: number[]
let next = 0

const insert = (id: number) => `INSERT INTO \`local.ops.events\` (id) VALUES (${id})`

async function countOf(id: number): Promise<number> {
  const [row] = await adapter.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`local.ops.events\` WHERE id = ${id}`)
  return Number(row?.n)
}

beforeAll(async () => {
  endpoint = await startEndpoint()
  bq = localClient(endpoint)
  await bq.createDataset('ops')
  await bq
    .dataset('ops')
    .table('events')
    .create({ schema: [{ name: 'id', type: 'INT64' }] })
})

beforeEach(() => {
  endpoint.faults.clear()
  retries = []
  waits = []
  next += 1
  adapter = new BigQueryAdapter(bq as unknown as BigQueryClient, {
    project: 'local',
    jobPrefix: 'nightly_',
    retry: { attempts: 4, initialDelayMs: 10, maxDelayMs: 40 },
    onRetry: (e) => retries.push(e),
    sleep: async (ms) => void waits.push(ms),
  })
})

afterAll(async () => {
  await endpoint.close()
})

describe('the BigQuery adapter retries transient job failures through the real client', () => {
  it.each(['rateLimitExceeded', 'backendError', 'internalError'] as const)(
    'runs a job that failed with %s again as a new job, once applied, and records the retry',
    async (reason) => {
      endpoint.faults.inject({ kind: 'jobError', reason }, { times: 2 })
      const { rowsChanged } = await adapter.execute(insert(next), { label: 'orders: publish' })
      expect(rowsChanged).toBe(1)
      expect(await countOf(next)).toBe(1)
      expect(retries.map((r) => [r.label, r.reason, r.attempt])).toEqual([
        ['orders: publish', reason, 2],
        ['orders: publish', reason, 3],
      ])
      expect(waits).toHaveLength(2)
      expect(waits[1]).toBeGreaterThanOrEqual(20) // doubled
    },
  )

  it.each(['serialize', 'transactionAborted'] as const)(
    'runs a transaction aborted by a concurrent update (%s) again; its rows land once',
    async (variant) => {
      endpoint.faults.inject({ kind: 'concurrentUpdate', variant }, { match: 'BEGIN TRANSACTION' })
      await adapter.transaction([{ sql: insert(next) }, { sql: insert(next + 1000) }])
      expect(await countOf(next)).toBe(1)
      expect(await countOf(next + 1000)).toBe(1)
      expect(retries.map((r) => r.reason)).toEqual(['concurrentUpdate'])
    },
  )

  it('never runs a write again when only its results call failed (the job succeeded)', async () => {
    const noClientRetry = new BigQueryAdapter(
      localClient(endpoint, { autoRetry: false }) as unknown as BigQueryClient,
      {
        project: 'local',
        onRetry: (e) => retries.push(e),
        sleep: async () => undefined,
      },
    )
    endpoint.faults.inject({ kind: 'resultsError' })
    await noClientRetry.execute(insert(next))
    expect(await countOf(next)).toBe(1)
    expect(retries).toEqual([])
  })

  it('gives up after the last attempt, and never retries a final error', async () => {
    endpoint.faults.inject({ kind: 'jobError', reason: 'backendError' }, { times: 10 })
    const failure = adapter.execute(insert(next))
    await expect(failure).rejects.toThrow(/bigquery: .*\n {2}in statement: INSERT/)
    // Every attempt was its own job, named with the prefix.
    await expect(failure).rejects.toMatchObject({ jobId: expect.stringMatching(/^nightly_/) })
    expect(retries).toHaveLength(3)
    endpoint.faults.clear()
    expect(await countOf(next)).toBe(0)
    retries = []
    await expect(adapter.execute('SELECT * FROM `local.ops.missing`')).rejects.toThrow(/Not found: Table/)
    expect(retries).toEqual([])
  })

  it('classifies errors and backs off exponentially with bounded jitter', () => {
    expect(transientReason({ errors: [{ reason: 'rateLimitExceeded' }] })).toBe('rateLimitExceeded')
    expect(transientReason(new Error('Could not serialize access to table p:d.t due to concurrent update'))).toBe(
      'concurrentUpdate',
    )
    expect(transientReason({ errors: [{ reason: 'invalidQuery' }] })).toBeNull()
    const policy = { attempts: 5, initialDelayMs: 1000, maxDelayMs: 32_000 }
    expect([1, 2, 3, 7].map((n) => backoffDelay(policy, n, () => 0))).toEqual([1000, 2000, 4000, 32_000])
    expect(backoffDelay(policy, 1, () => 1)).toBe(1500)
  })
})

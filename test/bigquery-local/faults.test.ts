import type { BigQuery } from '@google-cloud/bigquery'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseFaultSpec } from '../../scripts/bigquery-local/faults.js'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { localClient, startEndpoint } from './local-client.js'

let endpoint: LocalBigQuery
let retrying: BigQuery
let noRetry: BigQuery
let next = 100

const insertSql = (id: number) => `INSERT INTO \`local.ops.events\` (id) VALUES (${id})`

async function countOf(id: number): Promise<number> {
  const [job] = await retrying.createQueryJob({
    query: `SELECT COUNT(*) AS n FROM \`local.ops.events\` WHERE id = ${id}`,
  })
  const [rows] = await job.getQueryResults()
  return (rows[0] as { n: number }).n
}

beforeAll(async () => {
  endpoint = await startEndpoint()
  retrying = localClient(endpoint)
  noRetry = localClient(endpoint, { autoRetry: false })
  await retrying.createDataset('ops')
  await retrying
    .dataset('ops')
    .table('events')
    .create({ schema: [{ name: 'id', type: 'INT64' }] })
})

beforeEach(() => {
  endpoint.faults.clear()
  next += 1
})

afterAll(async () => {
  await endpoint.close()
})

describe('injected faults, as the real client sees them', () => {
  it.each([429, 500, 503] as const)('answers HTTP %i on job insert; the client retries it once', async (status) => {
    endpoint.faults.inject({ kind: 'http', status })
    await expect(noRetry.createQueryJob({ query: insertSql(next) })).rejects.toMatchObject({ code: status })
    endpoint.faults.inject({ kind: 'http', status })
    const [job] = await retrying.createQueryJob({ query: insertSql(next) })
    await job.getQueryResults()
    expect(await countOf(next)).toBe(1)
  })

  it('drops the insert response after creating the job: a retry with the same job id gets 409', async () => {
    endpoint.faults.inject({ kind: 'lostResponse' })
    const jobId = `pipeline_lost_${next}`
    await expect(retrying.createQueryJob({ query: insertSql(next), jobId })).rejects.toMatchObject({
      code: 409,
      message: `Already Exists: Job local:US.${jobId}`,
    })
    const [job] = await retrying.job(jobId).get()
    expect(job.metadata.status.state).toBe('DONE')
    expect(await countOf(next)).toBe(1)
  })

  it('lets the client recover a lost response when it generated the job id itself', async () => {
    endpoint.faults.inject({ kind: 'lostResponse' })
    const [job] = await retrying.createQueryJob({ query: insertSql(next) })
    await job.getQueryResults()
    expect(endpoint.faults.fired).toEqual([{ kind: 'lostResponse' }])
    expect(await countOf(next)).toBe(1)
  })

  it.each(['rateLimitExceeded', 'backendError', 'internalError'] as const)(
    'fails the job with %s and applies nothing',
    async (reason) => {
      endpoint.faults.inject({ kind: 'jobError', reason })
      await expect(retrying.createQueryJob({ query: insertSql(next) })).rejects.toMatchObject({
        errors: [{ reason }],
      })
      expect(await countOf(next)).toBe(0)
    },
  )

  it.each([
    ['serialize', 'Could not serialize access to table local:ops.events due to concurrent update'],
    ['transactionAborted', 'Transaction is aborted due to concurrent update against table local:ops.events'],
  ] as const)('aborts the job on a concurrent update (%s) and applies nothing', async (variant, message) => {
    endpoint.faults.inject({ kind: 'concurrentUpdate', variant })
    await expect(retrying.createQueryJob({ query: insertSql(next) })).rejects.toThrow(message)
    expect(await countOf(next)).toBe(0)
  })

  it('fails the results call of a job that succeeded; its write stays applied once', async () => {
    endpoint.faults.inject({ kind: 'resultsError' })
    const [job] = await noRetry.createQueryJob({ query: insertSql(next) })
    expect(job.metadata.status.state).toBe('DONE')
    await expect(job.getQueryResults()).rejects.toMatchObject({ code: 500, errors: [{ reason: 'backendError' }] })
    await job.getQueryResults()
    expect(await countOf(next)).toBe(1)
  })

  it('hits only the jobs whose SQL matches, as many times as asked', async () => {
    endpoint.faults.inject({ kind: 'jobError', reason: 'backendError' }, { match: 'MERGE', times: 2 })
    const [job] = await retrying.createQueryJob({ query: insertSql(next) })
    await job.getQueryResults()
    expect(endpoint.faults.fired).toEqual([])
  })

  it('parses the fault flags of npm run bigquery:local', () => {
    expect(parseFaultSpec('http:503x2')).toEqual({ fault: { kind: 'http', status: 503 }, options: { times: 2 } })
    expect(parseFaultSpec('concurrentUpdate:serialize@MERGE')).toEqual({
      fault: { kind: 'concurrentUpdate', variant: 'serialize' },
      options: { match: 'MERGE' },
    })
    expect(() => parseFaultSpec('http:404')).toThrow('Unknown fault "http:404"')
  })
})

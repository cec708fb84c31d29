import type { BigQuery } from '@google-cloud/bigquery'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { localClient, startEndpoint } from './local-client.js'

let endpoint: LocalBigQuery
let bq: BigQuery

async function run(query: string): Promise<Record<string, unknown>[]> {
  const [job] = await bq.createQueryJob({ query })
  const [rows] = await job.getQueryResults()
  return rows as Record<string, unknown>[]
}

async function copy(from: string, to: string) {
  const [job] = await bq.createJob({
    configuration: {
      copy: {
        sourceTable: { projectId: 'local', datasetId: 'd', tableId: from },
        destinationTable: { projectId: 'local', datasetId: 'd', tableId: to },
        writeDisposition: 'WRITE_TRUNCATE',
        createDisposition: 'CREATE_IF_NEEDED',
      },
    },
  })
  await job.promise()
  return job
}

beforeAll(async () => {
  endpoint = await startEndpoint()
  bq = localClient(endpoint)
  await run('CREATE SCHEMA `local.d`')
  await run(`CREATE TABLE \`local.d.staged\` PARTITION BY day
    OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 48 HOUR))
    AS SELECT DATE '2024-01-02' AS day, 1 AS n UNION ALL SELECT DATE '2024-01-03', 2`)
})

afterAll(async () => {
  await endpoint.close()
})

describe('copy jobs on the local endpoint, through the real client', () => {
  it("replaces the destination with the source's rows and partitioning, never its expiration", async () => {
    await run("CREATE TABLE `local.d.published` PARTITION BY day AS SELECT DATE '2023-01-01' AS day, 9 AS n")
    const job = await copy('staged', 'published')
    expect(job.metadata.configuration.jobType).toBe('COPY')
    expect(await run('SELECT n FROM `local.d.published` ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }])
    const [meta] = await bq.dataset('d').table('published').getMetadata()
    expect(meta.timePartitioning).toEqual({ type: 'DAY', field: 'day' })
    expect(meta.expirationTime).toBeUndefined()
    const [staged] = await bq.dataset('d').table('staged').getMetadata()
    expect(Number(staged.expirationTime)).toBeGreaterThan(Date.now())
  })

  it('refuses a destination with another partitioning spec, leaving it as it was', async () => {
    await run("CREATE TABLE `local.d.unpartitioned` AS SELECT DATE '2023-01-01' AS day, 9 AS n")
    await expect(copy('staged', 'unpartitioned')).rejects.toThrow(
      'Incompatible table partitioning specification. Expects partitioning specification none, but input partitioning specification is interval(type:day,field:day)',
    )
    expect(await run('SELECT n FROM `local.d.unpartitioned`')).toEqual([{ n: 9 }])
  })

  it('fails a copy job with an injected backendError and copies nothing', async () => {
    endpoint.faults.inject({ kind: 'jobError', reason: 'backendError' }, { match: 'COPY d.staged TO d.other' })
    await expect(copy('staged', 'other')).rejects.toMatchObject({ errors: [{ reason: 'backendError' }] })
    await expect(bq.dataset('d').table('other').getMetadata()).rejects.toMatchObject({ code: 404 })
  })
})

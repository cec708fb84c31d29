import { describe, expect, it } from 'vitest'
import type { BigQueryJobRequest } from '../../src/engines/bigquery/bigquery-client.js'
import { runCli } from '../support/cli.js'
import { fixturePath } from '../support/fixtures.js'
import { EVERY_TABLE_HAS_X, RecordingBigQueryClient, soleLeaseHolder } from '../support/recording-bigquery.js'

const shop = fixturePath('shop')
const BIGQUERY = { PIPELINE_ENGINE: 'bigquery', PIPELINE_BQ_PROJECT: 'proj' }

/** A warehouse where every table exists with one INT64 column and sources hold data up to 2026-01-03. */
function warehouse(): RecordingBigQueryClient {
  const leases = soleLeaseHolder()
  return new RecordingBigQueryClient((request: BigQueryJobRequest) => {
    if (/MAX\(/.test(request.query)) return [{ latest: '2026-01-03' }]
    return leases(request) ?? []
  }, EVERY_TABLE_HAS_X)
}

describe('pipeline on BigQuery (recording client)', () => {
  it("labels every job of a run with the project's name, the command, the run id, the build sha and the mode", async () => {
    const client = warehouse()
    const result = await runCli(['--project', shop, '--json', 'run', '--actions', 'customers'], BIGQUERY, {
      bigQueryClient: client,
    })
    expect(result.code).toBe(0)
    const { runId } = JSON.parse(result.stdout) as { runId: string }
    expect(client.requests.length).toBeGreaterThan(3)
    for (const request of client.requests)
      expect(request.labels, request.query).toMatchObject({
        app: 'shop',
        command: 'run',
        run_id: runId,
        build_commit_sha: 'b'.repeat(40),
        mode: 'daily',
      })
    expect(client.requests.some((r) => r.labels?.action !== undefined)).toBe(true)
    expect(client.requests.some((r) => r.dryRun)).toBe(false)
  })

  it('sends no write under run --dry-run, only labelled reads, and prints the statements it would send', async () => {
    const client = warehouse()
    const result = await runCli(['--project', shop, 'run', '--dry-run'], BIGQUERY, { bigQueryClient: client })
    expect(result.code).toBe(0)
    expect(client.requests.length).toBeGreaterThan(0)
    const writes = client.requests.filter((r) => !/^\s*(SELECT|WITH)\b/i.test(r.query) && r.dryRun !== true)
    expect(writes.map((r) => r.query)).toEqual([])
    expect(client.requests.every((r) => r.labels?.command === 'run' && r.labels.app === 'shop')).toBe(true)
    expect(result.stdout).toMatch(/CREATE|MERGE|INSERT/)
  })

  it('labels backfill jobs with mode backfill', async () => {
    const client = warehouse()
    await runCli(
      ['--project', fixturePath('forecasts'), 'backfill', '--from', '2026-01-01', '--to', '2026-01-02'].concat([
        '--actions',
        'forecasts',
        '--reason',
        'test',
        '--dry-run',
      ]),
      BIGQUERY,
      { bigQueryClient: client },
    )
    expect(client.requests.length).toBeGreaterThan(0)
    expect(client.requests.every((r) => r.labels?.command === 'backfill' && r.labels.mode === 'backfill')).toBe(true)
    expect(client.requests.every((r) => r.labels?.app === 'pipeline')).toBe(true)
  })

  it('estimates the bytes of every table and incremental action with dry-run jobs of their SELECTs, and refuses a run over --max-bytes', async () => {
    const client = warehouse()
    const result = await runCli(['--project', shop, 'run', '--dry-run'], BIGQUERY, { bigQueryClient: client })
    expect(result.code, result.stderr).toBe(0)
    const dryRuns = client.requests.filter((r) => r.dryRun === true)
    // One per batch of each table and incremental action: customers, orders_log, orders_daily (2 batches), customer_totals.
    expect(dryRuns.map((r) => r.labels?.action)).toEqual(
      expect.arrayContaining(['customers__dry_run', 'orders_daily__dry_run', 'customer_totals__dry_run']),
    )
    expect(dryRuns.every((r) => /^\s*(select|with)\b/i.test(r.query))).toBe(true)
    expect(result.stdout).toContain('estimated bytes processed (BigQuery dry-run jobs):')
    expect(result.stdout).toMatch(/total\s+\d+\.\d MiB/)
    const over = await runCli(['--project', shop, 'run', '--dry-run', '--max-bytes', '1000'], BIGQUERY, {
      bigQueryClient: warehouse(),
    })
    expect(over.code).toBe(1)
    expect(over.stderr).toMatch(/error \[over-budget\]: the run would process .* over the budget of 1000 B/)
  })

  it('sends maximumBytesBilled from --max-bytes and the job id prefix on every job of a run', async () => {
    const client = warehouse()
    const result = await runCli(
      ['--project', shop, 'run', '--actions', 'customers', '--max-bytes', '5000000'],
      BIGQUERY,
      {
        bigQueryClient: client,
      },
    )
    expect(result.code, result.stderr).toBe(0)
    expect(client.requests.length).toBeGreaterThan(3)
    for (const request of client.requests)
      expect(request).toMatchObject({ maximumBytesBilled: '5000000', jobPrefix: 'pipeline_' })
  })
})

import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BigQueryAdapter } from '../../src/engines/bigquery/bigquery-adapter.js'
import type { BigQueryClient } from '../../src/engines/bigquery/bigquery-client.js'

/** Where the risky statements go: the local endpoint, or a real project (test/live). */
export interface RiskyTarget {
  /** Shown in the suite's title. */
  readonly title: string
  readonly project: string
  readonly location?: string
  /** Connects (starts the endpoint when local). */
  connect(): Promise<BigQueryClient>
  close?(): Promise<void>
}

/**
 * The statements most likely to fail on BigQuery, sent through the adapter into a fresh dataset (dropped
 * afterwards), with jobs capped at 1 GB billed: by test/bigquery-local/risky-statements.test.ts to the local
 * endpoint, and by test/live/risky-statements.test.ts to a real sandbox project.
 */
const COLUMNS = [
  { name: 'player', type: 'STRING', nullable: false },
  { name: 'game_date', type: 'DATE', nullable: false },
  { name: 'points', type: 'FLOAT64' },
]
const NAMES = COLUMNS.map((c) => c.name)
const interval = { interval_start: '2024-01-02', interval_end: '2024-01-03' }

export function riskyStatementsSuite(where: RiskyTarget): void {
  const { project } = where
  const dataset = `pipeline_live_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  const target = { dataset, name: 'scores' }
  let adapter: BigQueryAdapter

  beforeAll(async () => {
    adapter = new BigQueryAdapter(await where.connect(), {
      project,
      ...(where.location ? { location: where.location } : {}),
      maximumBytesBilled: 1_000_000_000,
      jobPrefix: 'pipeline_live_test_',
      labels: { app: 'pipeline', command: 'live_test' },
    })
    await adapter.execute(adapter.dialect.createSchema(dataset))
  }, 60_000)

  afterAll(async () => {
    await adapter?.execute(`DROP SCHEMA IF EXISTS \`${project}.${dataset}\` CASCADE`).catch(() => undefined)
    await where.close?.()
  }, 60_000)

  describe(`risky BigQuery statements on ${where.title}`, () => {
    const d = () => adapter.dialect
    const rows = async () =>
      (
        await adapter.query<{ player: string; points: number }>(
          `SELECT player, points FROM ${d().formatTarget(target)} WHERE game_date = DATE '2024-01-02' ORDER BY player`,
        )
      ).map((r) => `${r.player}:${r.points}`)

    it('creates a partitioned table with require_partition_filter, then writes it only with partition filters', async () => {
      await adapter.execute(
        d().createTable(target, COLUMNS, {
          partitionBy: 'game_date',
          clusterBy: ['player'],
          requirePartitionFilter: true,
        }),
      )
      expect(await adapter.tableExists(target)).toBe(true)
      const staging = d().stagingTable(target, 'run-1')
      await adapter.execute(
        d().createStagingTableAs(
          staging,
          "SELECT 'ann' AS player, DATE '2024-01-02' AS game_date, 10.5 AS points UNION ALL SELECT 'bob', DATE '2024-01-02', 7.0",
        ),
      )
      // replace_interval: delete + insert in one transaction, no DDL inside.
      await adapter.transaction([
        { sql: d().deleteInterval(target, 'game_date'), params: interval },
        { sql: d().insertSelect(target, NAMES, `SELECT * FROM ${d().formatTarget(staging)}`), params: interval },
      ])
      expect(await rows()).toEqual(['ann:10.5', 'bob:7'])
      // merge: the ON clause prunes the target to the batch's dates.
      await adapter.execute(`UPDATE ${d().formatTarget(staging)} SET points = points + 1 WHERE TRUE`)
      const { rowsChanged } = await adapter.execute(
        d().merge(target, staging, ['player', 'game_date'], NAMES, 'game_date'),
        {
          params: interval,
        },
      )
      expect(rowsChanged).toBe(2)
      expect(await rows()).toEqual(['ann:11.5', 'bob:8'])
      // A whole-table read without a partition filter is refused by BigQuery.
      await expect(adapter.query(`SELECT COUNT(*) AS n FROM ${d().formatTarget(target)}`)).rejects.toThrow(
        /without a filter over column\(s\) 'game_date'/,
      )
    }, 120_000)

    it('swaps a rebuilt table in with a copy job and drops the staging table outside any transaction', async () => {
      const rebuilt = { dataset, name: 'countries' }
      const staging = d().stagingTable(rebuilt, 'run-2')
      await adapter.execute(d().createStagingTableAs(staging, "SELECT 'FR' AS country, 1 AS customers"))
      await adapter.copyTable(staging, rebuilt)
      await adapter.execute(d().dropTable(staging))
      expect(await adapter.query(`SELECT country, customers FROM ${d().formatTarget(rebuilt)}`)).toEqual([
        { country: 'FR', customers: 1 },
      ])
      expect(await adapter.tableExists(staging)).toBe(false)
      expect(await adapter.estimateBytes(`SELECT * FROM ${d().formatTarget(rebuilt)}`)).toBeGreaterThanOrEqual(0)
    }, 120_000)
  })
}

import type { BigQuery } from '@google-cloud/bigquery'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import { raw } from '../../src/sql/fragment.js'
import type { SqlFragment } from '../../src/sql/fragment.js'
import { renderPlain } from '../../src/sql/render.js'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { localClient, startEndpoint } from './local-client.js'

let endpoint: LocalBigQuery
let bq: BigQuery
const dialect = createBigQueryDialect({ project: 'local' })
const target = { dataset: 'nba_predictions', name: 'player_scores' }
const staging = { dataset: 'nba_predictions', name: 'player_scores__staging' }
const COLUMNS = [
  { name: 'player_lookup', type: 'string', nullable: false },
  { name: 'game_date', type: 'date', nullable: false },
  { name: 'points', type: 'float64' },
  { name: 'updated_at', type: 'timestamp' },
]
const NAMES = COLUMNS.map((c) => c.name)
const interval = { interval_start: '2024-01-02', interval_end: '2024-01-03' }

async function run(sql: string, params?: Record<string, string>) {
  const [job] = await bq.createQueryJob({
    query: sql,
    ...(params ? { params, types: Object.fromEntries(Object.keys(params).map((k) => [k, 'STRING'])) } : {}),
  })
  const [rows] = await job.getQueryResults()
  return rows as Record<string, unknown>[]
}

const rowsOf = (select: string) =>
  run(`SELECT player_lookup, points FROM (${select}) AS q ORDER BY player_lookup`).then((rows) =>
    rows.map((r) => `${r.player_lookup}:${r.points}`),
  )

beforeAll(async () => {
  endpoint = await startEndpoint()
  bq = localClient(endpoint)
})

afterAll(async () => {
  await endpoint.close()
})

describe("the engine's BigQuery dialect on the local endpoint", () => {
  it('creates the dataset and a partitioned, clustered table with require_partition_filter', async () => {
    await run(dialect.createSchema('nba_predictions'))
    await run(
      dialect.createTable(target, COLUMNS, {
        partitionBy: 'game_date',
        clusterBy: ['player_lookup'],
        requirePartitionFilter: true,
      }),
    )
    const [meta] = await bq.dataset('nba_predictions').table('player_scores').getMetadata()
    expect(meta.timePartitioning).toEqual({ type: 'DAY', field: 'game_date' })
    expect(meta.clustering).toEqual({ fields: ['player_lookup'] })
    expect(meta.requirePartitionFilter).toBe(true)
  })

  it('stages with createTableAs, swaps with deleteInterval + insertSelect in a transaction, and merges', async () => {
    const now = renderPlain(dialect, dialect.fn.currentTimestamp())
    const select = `SELECT player_lookup, CAST(game_date AS DATE) AS game_date, points, ${now} AS updated_at
FROM (SELECT 'ann' AS player_lookup, '2024-01-02' AS game_date, 10.5 AS points UNION ALL SELECT 'bob', '2024-01-02', 7.0)`
    await run(dialect.createTableAs(staging, select, { partitionBy: 'game_date' }))
    const script = dialect.transaction([
      dialect.deleteInterval(target, 'game_date'),
      dialect.insertSelect(
        target,
        NAMES,
        `SELECT * FROM ${dialect.formatTarget(staging)} WHERE game_date >= CAST(@interval_start AS DATE)`,
      ),
    ])[0] as string
    await run(script, interval)
    expect(
      await rowsOf(
        `SELECT * FROM ${dialect.formatTarget(target)} WHERE game_date = CAST(@interval_start AS DATE)`,
      ).catch((e: Error) => e.message),
    ).toMatch(/Query parameter 'interval_start' not found/)
    const readTarget = `SELECT * FROM ${dialect.formatTarget(target)} WHERE game_date = DATE '2024-01-02'`
    expect(await rowsOf(readTarget)).toEqual(['ann:10.5', 'bob:7'])
    await run(`UPDATE ${dialect.formatTarget(staging)} SET points = points + 1 WHERE TRUE`)
    // Without a constant partition predicate in its ON, BigQuery refuses a MERGE into the table.
    const unfiltered = dialect.merge(target, staging, ['player_lookup', 'game_date'], NAMES)
    await expect(run(unfiltered)).rejects.toThrow(
      "Cannot query over table 'local.nba_predictions.player_scores' without a filter over column(s) 'game_date' that can be used for partition elimination",
    )
    // The strategy's MERGE names the interval column: the ON clause prunes to the batch's partitions.
    await run(dialect.merge(target, staging, ['player_lookup', 'game_date'], NAMES, 'game_date'), interval)
    expect(await rowsOf(readTarget)).toEqual(['ann:11.5', 'bob:8'])
  })

  it('translates the fn helpers the dialect spells for BigQuery', async () => {
    const { fn } = dialect
    const r = (text: string): SqlFragment => raw(text)
    const parts = [
      fn.safeDivide(r('points'), r('0')),
      fn.safeDivide(r('points'), r('2')),
      fn.dateAddDays(r("DATE '2024-01-30'"), 3),
      fn.dateDiffDays(r("DATE '2024-03-01'"), r("DATE '2024-02-01'")),
      fn.arrayAt(r("['a', 'b']"), 1),
      fn.splitPart(r("'x|y|z'"), '|', 3),
      fn.safeCast(r("'nope'"), 'int64'),
      fn.jsonValue(fn.jsonObject([['k', r('points')]]), '$.k'),
      fn.sha256Hex(r("'abc'")),
      fn.dateToString(r("DATE '2024-01-02'")),
      fn.arrayMax(r("[DATE '2024-01-02', DATE '2024-03-01', DATE '2024-02-01']")),
      fn.arrayMax(r('CAST([] AS ARRAY<DATE>)')),
    ].map((f, i) => `${renderPlain(dialect, f)} AS c${i}`)
    const from = `FROM ${dialect.formatTarget(staging)}`
    const [row] = await run(`SELECT ${parts.join(', ')} ${from} WHERE player_lookup = 'ann'`)
    expect(row).toMatchObject({
      c0: null,
      c1: 5.75,
      c3: 29,
      c4: 'b',
      c5: 'z',
      c6: null,
      c8: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      c7: '11.5',
      c9: '2024-01-02',
      c11: null,
    })
    expect((row as { c10: { value: string } }).c10.value).toBe('2024-03-01')
    expect((row as { c2: { value: string } }).c2.value).toBe('2024-02-02')
    const aggregates = [fn.countIf(r('points > 8')), fn.stddevSamp(r('points')), fn.percentile(r('points'), 0.5)]
    const [agg] = await run(
      `SELECT ${aggregates.map((f, i) => `${renderPlain(dialect, f)} AS a${i}`).join(', ')} ${from}`,
    )
    expect(agg).toEqual({ a0: 1, a1: Math.sqrt(((11.5 - 9.75) ** 2 + (8 - 9.75) ** 2) / 1), a2: 8 })
  })
})

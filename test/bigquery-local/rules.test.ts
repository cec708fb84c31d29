import type { BigQuery } from '@google-cloud/bigquery'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { localClient, startEndpoint } from './local-client.js'

let endpoint: LocalBigQuery
let bq: BigQuery

async function run(sql: string, options: Record<string, unknown> = {}) {
  const [job] = await bq.createQueryJob({ query: sql, ...options })
  const [rows] = await job.getQueryResults()
  return rows as Record<string, unknown>[]
}

const FEATURES = '`local.nba.features`'
const FILTER_ERROR =
  "Cannot query over table 'local.nba.features' without a filter over column(s) 'game_date' that can be used for partition elimination"

beforeAll(async () => {
  endpoint = await startEndpoint()
  bq = localClient(endpoint)
  await run('CREATE SCHEMA `local.nba`')
  await run(`CREATE TABLE ${FEATURES} (player STRING, game_date DATE, points FLOAT64)
PARTITION BY game_date
CLUSTER BY player
OPTIONS (require_partition_filter = TRUE)`)
  await run(
    `INSERT INTO ${FEATURES} (player, game_date, points) VALUES ('ann', DATE '2024-01-01', 10), ('bob', DATE '2024-01-01', 12), ('ann', DATE '2024-01-02', 8)`,
  )
  await run(
    'CREATE TABLE `local.nba.staging` AS SELECT player, game_date, points FROM ' +
      FEATURES +
      " WHERE game_date = DATE '2024-01-01'",
  )
})

afterAll(async () => {
  await endpoint.close()
})

describe('require_partition_filter', () => {
  it('refuses a SELECT, a subquery, an UPDATE, a DELETE and a MERGE target without a constant partition predicate', async () => {
    const violations = [
      `SELECT COUNT(*) FROM ${FEATURES}`,
      `SELECT * FROM \`local.nba.staging\` WHERE player IN (SELECT player FROM ${FEATURES} WHERE points > 9)`,
      `UPDATE ${FEATURES} SET points = 0 WHERE player = 'ann'`,
      `DELETE FROM ${FEATURES} WHERE game_date = (SELECT MAX(game_date) FROM \`local.nba.staging\`)`,
      `MERGE INTO ${FEATURES} AS t USING \`local.nba.staging\` AS s ON t.player = s.player AND t.game_date = s.game_date
WHEN MATCHED THEN UPDATE SET points = s.points`,
    ]
    for (const sql of violations) await expect(run(sql), sql).rejects.toThrow(FILTER_ERROR)
  })

  it('accepts literals, parameters, casts, ranges and a MERGE ON with a constant predicate', async () => {
    expect(await run(`SELECT COUNT(*) AS n FROM ${FEATURES} WHERE game_date = DATE '2024-01-01'`)).toEqual([{ n: 2 }])
    const ranged = await run(
      `SELECT COUNT(*) AS n FROM ${FEATURES} AS f WHERE f.game_date >= CAST(@from AS DATE) AND f.game_date < DATE_ADD(CAST(@from AS DATE), INTERVAL 2 DAY)`,
      { params: { from: '2024-01-01' } },
    )
    expect(ranged).toEqual([{ n: 3 }])
    await run(`MERGE INTO ${FEATURES} AS t USING \`local.nba.staging\` AS s
ON t.player = s.player AND t.game_date = s.game_date AND t.game_date BETWEEN DATE '2024-01-01' AND DATE '2024-01-01'
WHEN MATCHED THEN UPDATE SET points = s.points + 1`)
    expect(await run(`SELECT points FROM ${FEATURES} WHERE game_date = DATE '2024-01-01' ORDER BY player`)).toEqual([
      { points: 11 },
      { points: 13 },
    ])
  })

  // BigQuery's documented rule ("Query partitioned tables", Require a partition filter in queries): at least
  // one predicate that only references the partition column; an OR with another column is not sufficient.
  it('takes `col IS NOT NULL` (a predicate on the partition column alone), never an OR with another column', async () => {
    expect(await run(`SELECT COUNT(*) AS n FROM ${FEATURES} WHERE game_date IS NOT NULL`)).toEqual([{ n: 3 }])
    expect(
      await run(`SELECT COUNT(*) AS n FROM ${FEATURES} WHERE game_date = DATE '2024-01-02' AND player = 'ann'`),
    ).toEqual([{ n: 1 }])
    await expect(
      run(`SELECT COUNT(*) AS n FROM ${FEATURES} WHERE (game_date = DATE '2024-01-02' OR player = 'ann')`),
    ).rejects.toThrow(FILTER_ERROR)
    // A join on the partition column is no constant predicate either.
    await expect(
      run(`SELECT COUNT(*) FROM ${FEATURES} AS f JOIN \`local.nba.staging\` AS s ON f.game_date = s.game_date`),
    ).rejects.toThrow(FILTER_ERROR)
  })
})

describe("BigQuery's other rules", () => {
  it('refuses DDL on a permanent table inside a transaction and rolls the transaction back', async () => {
    const script = `BEGIN TRANSACTION;
DELETE FROM \`local.nba.staging\` WHERE TRUE;
DROP TABLE IF EXISTS \`local.nba.staging\`;
COMMIT TRANSACTION;`
    await expect(run(script)).rejects.toThrow(
      'DDL statements are not supported in a transaction, except for those creating or droping temporary tables or temporary functions. at [3:1]',
    )
    expect(await run('SELECT COUNT(*) AS n FROM `local.nba.staging`')).toEqual([{ n: 2 }])
  })

  it('refuses CREATE OR REPLACE with a different partitioning or clustering spec', async () => {
    const replace = `CREATE OR REPLACE TABLE ${FEATURES} PARTITION BY game_date OPTIONS (require_partition_filter = TRUE) AS SELECT * FROM \`local.nba.staging\``
    await expect(run(replace)).rejects.toThrow(
      'Cannot replace a table with a different partitioning spec. Instead, DROP the table, and then recreate it. New partitioning spec is interval(type:day,field:game_date) and existing spec is interval(type:day,field:game_date) clustering(player)',
    )
    await expect(
      run('CREATE OR REPLACE TABLE `local.nba.staging` PARTITION BY game_date AS SELECT * FROM `local.nba.staging`'),
    ).rejects.toThrow('New partitioning spec is interval(type:day,field:game_date) and existing spec is none')
  })

  it('answers notFound for a missing table, and for INFORMATION_SCHEMA of a missing dataset', async () => {
    const missingTable = run('SELECT * FROM `local.nba.nope`')
    await expect(missingTable).rejects.toMatchObject({ errors: [{ reason: 'notFound' }] })
    await expect(run('SELECT * FROM `local.nba.nope`')).rejects.toThrow(
      'Not found: Table local:nba.nope was not found in location US',
    )
    await expect(
      run('SELECT column_name FROM `local.fresh`.INFORMATION_SCHEMA.COLUMNS WHERE table_name = @t', {
        params: { t: 'x' },
      }),
    ).rejects.toThrow('Not found: Dataset local:fresh was not found in location US')
  })

  it('refuses an UPDATE or MERGE that matches a target row with two source rows', async () => {
    await run("CREATE TABLE `local.nba.dupes` AS SELECT 'ann' AS player, 1.0 AS points UNION ALL SELECT 'ann', 2.0")
    const merge = `MERGE INTO \`local.nba.staging\` AS t USING \`local.nba.dupes\` AS s ON t.player = s.player
WHEN MATCHED THEN UPDATE SET points = s.points`
    await expect(run(merge)).rejects.toThrow('UPDATE/MERGE must match at most one source row for each target row')
    const update =
      'UPDATE `local.nba.staging` AS t SET points = s.points FROM `local.nba.dupes` AS s WHERE t.player = s.player'
    await expect(run(update)).rejects.toThrow('UPDATE/MERGE must match at most one source row for each target row')
    expect(await run("SELECT points FROM `local.nba.staging` WHERE player = 'ann'")).toEqual([{ points: 10 }])
  })

  it('refuses a NULL parameter without a type (the client refuses it before sending)', async () => {
    await expect(run('SELECT @x AS x', { params: { x: null } })).rejects.toThrow(
      "Parameter types must be provided for null values via the 'types' field in query options.",
    )
    const response = await fetch(`${endpoint.url}/bigquery/v2/projects/local/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        configuration: {
          query: {
            query: 'SELECT @x AS x',
            parameterMode: 'NAMED',
            queryParameters: [{ name: 'x', parameterValue: {} }],
          },
        },
      }),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { errors: [{ reason: 'invalidQuery' }] } })
  })

  it('refuses invalid job labels', async () => {
    await expect(run('SELECT 1', { labels: { Action: 'x' } })).rejects.toThrow(
      'Label key "Action" has invalid characters.',
    )
    await expect(run('SELECT 1', { labels: { action: 'Has Space' } })).rejects.toThrow(
      'Label value "Has Space" has invalid characters.',
    )
    await expect(run('SELECT 1', { labels: { action: 'x'.repeat(64) } })).rejects.toMatchObject({ code: 400 })
    expect(await run('SELECT 1 AS ok', { labels: { action: 'feature_store', run_id: 'r-1' } })).toEqual([{ ok: 1 }])
  })
})

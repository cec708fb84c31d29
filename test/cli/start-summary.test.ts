import { describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { tableRows } from '../../src/cli/start-summary.js'
import { BigQueryAdapter } from '../../src/engines/bigquery/bigquery-adapter.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { runPipeline } from '../../src/runner/run.js'
import { parseBigQuery } from '../support/bigquery-parse.js'
import { compileFixture, openShopWarehouse, testRun } from '../support/fixtures.js'
import { EVERY_TABLE_HAS_X, RecordingBigQueryClient } from '../support/recording-bigquery.js'

/** The counts one statement per table gives, the way start counted before they were folded into one. */
async function countEach(graph: CompiledGraph, adapter: DuckDbAdapter): Promise<{ table: string; rows: number }[]> {
  const out: { table: string; rows: number }[] = []
  for (const action of graph.actions) {
    if (action.kind !== 'table' && action.kind !== 'incremental') continue
    if (!(await adapter.tableExists(action.target))) continue
    const [row] = await adapter.query<{ n: bigint | number }>(
      `SELECT COUNT(*) AS n FROM ${adapter.dialect.formatTarget(action.target)}`,
    )
    out.push({ table: `${action.target.dataset}.${action.target.name}`, rows: Number(row?.n) })
  }
  return out
}

describe("start's table counts (one statement)", () => {
  it('counts every built table in graph order, as counting each alone does, and leaves out tables not built', async () => {
    const { adapter, graph } = await openShopWarehouse()
    try {
      expect(await tableRows(graph, adapter)).toEqual([])
      await runPipeline({ graph, adapter, run: testRun(), today: '2026-01-04' })
      const rows = await tableRows(graph, adapter)
      expect(rows).toEqual(await countEach(graph, adapter))
      expect(rows.length).toBeGreaterThan(1)
      expect(rows.some((r) => r.rows > 0)).toBe(true)

      await adapter.execute(`DROP TABLE ${rows[0]?.table as string}`)
      expect((await tableRows(graph, adapter)).map((r) => r.table)).toEqual(rows.slice(1).map((r) => r.table))
    } finally {
      await adapter.close()
    }
  })

  it('sends BigQuery one statement of standard SQL for all the counts', async () => {
    const bigQueryGraph = await compileFixture('shop', 'bigquery')
    const answer = Array.from({ length: 10 }, (_, i) => ({ i: { value: String(i) }, n: { value: String(100 + i) } }))
    const client = new RecordingBigQueryClient(() => answer.reverse(), EVERY_TABLE_HAS_X)
    const bigquery = new BigQueryAdapter(client, { project: 'proj', location: 'EU', labels: {} })
    const rows = await tableRows(bigQueryGraph, bigquery)
    expect(rows.map((r) => r.rows)).toEqual(rows.map((_, i) => 100 + i))
    expect(client.requests).toHaveLength(1)
    const query = client.requests[0]?.query as string
    expect(query.match(/UNION ALL/g)).toHaveLength(rows.length - 1)
    parseBigQuery(query)
  })
})

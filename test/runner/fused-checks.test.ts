import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { fusedCheckSql, renderCheck, runCheck, runChecks } from '../../src/runner/evaluate-checks.js'
import type { RenderedCheck } from '../../src/runner/evaluate-checks.js'
import type { CheckResult } from '../../src/runner/result.js'
import { seedStores } from '../assertions/support.js'
import { compileFixture, memoryAdapter } from '../support/fixtures.js'

let adapter: DuckDbAdapter
let checks: RenderedCheck[]
const params = { interval_start: '2026-01-01', interval_end: '2026-01-06' }

beforeEach(async () => {
  adapter = await memoryAdapter()
  await seedStores(adapter)
  const graph = await compileFixture('checks')
  const features = graph.actions.find((a) => a.name === 'store_features')
  // Every built-in of the checks fixture, judged per visit_date on the raw rows as if they were staged.
  checks = (features?.checks ?? []).map((c) =>
    renderCheck(
      { name: c.name, action: 'store_features', definition: c.definition },
      {
        dialect: adapter.dialect,
        relation: '"raw"."raw_visits"',
        partitionColumn: 'visit_date',
        resolveRelation: (name) => `"raw"."${name}"`,
        restrictToInterval: true,
      },
    ),
  )
})
afterEach(async () => {
  await adapter.close()
})

async function oneByOne(): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  for (const check of checks) results.push(...(await runCheck(check, adapter, params)))
  return results
}

describe('checks sent as one statement', () => {
  it('record the same result per check and partition as one statement per check, passing and failing', async () => {
    const sql = fusedCheckSql(adapter.dialect, checks)
    expect(sql).not.toBeNull()
    expect(new Set(checks.map((c) => c.target.definition.builtin)).size).toBeGreaterThan(8)
    const passing = await runChecks({ checks, sql: sql ?? '' }, adapter, params)
    expect(passing).toEqual(await oneByOne())

    // Break several checks on some dates: a negative count, NULL spend, a lost store, a constant promo score.
    await adapter.execute(`UPDATE raw.raw_visits SET visitors = -1 WHERE visit_date = DATE '2026-01-02' AND store_id = 's03';
      UPDATE raw.raw_visits SET spend = NULL WHERE visit_date = DATE '2026-01-03' AND store_id <= 's05';
      DELETE FROM raw.raw_visits WHERE visit_date = DATE '2026-01-04' AND store_id >= 's05';
      UPDATE raw.raw_visits SET promo_score = 1.5 WHERE visit_date = DATE '2026-01-05'`)
    const failing = await runChecks({ checks, sql: sql ?? '' }, adapter, params)
    const expected = await oneByOne()
    expect(failing).toEqual(expected)
    expect(new Set(expected.filter((r) => !r.passed).map((r) => r.assertion)).size).toBeGreaterThan(2)
    expect(expected.some((r) => !r.passed && r.sample.length > 0)).toBe(true)
  })

  it('leaves the summary query of a single check as it is', () => {
    expect(fusedCheckSql(adapter.dialect, checks.slice(0, 1))).toBeNull()
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checks } from '../../src/assertions/checks.js'
import { AdapterError } from '../../src/core/errors.js'
import { queryCheck } from '../../src/assertions/query-check.js'
import type { CheckDefinition } from '../../src/assertions/types.js'
import type { Adapter } from '../../src/engines/adapter.js'
import { BigQueryAdapter } from '../../src/engines/bigquery/bigquery-adapter.js'
import { bigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import type { BigQueryClient } from '../../src/engines/bigquery/bigquery-client.js'
import { checkStatements } from '../../src/runner/check-statements.js'
import { evaluateChecks, renderCheck } from '../../src/runner/evaluate-checks.js'
import type { EvaluateOptions } from '../../src/runner/evaluate-checks.js'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { localClient, startEndpoint } from '../bigquery-local/local-client.js'
import { runPipeline } from '../../src/runner/run.js'
import { seedStores } from '../assertions/support.js'
import { compileFixture, memoryAdapter, testRun } from '../support/fixtures.js'
import { parseBigQuery } from '../support/bigquery-parse.js'
import { planOffline } from '../support/plan.js'
import { compileReal } from '../predictions/support.js'

/**
 * Hand-made staged rows, per `day`: 2026-01-01 passes every check; 2026-01-02 fails several (a repeated
 * key, values out of range, an infinite one and a NaN, zeros, an unknown category); 2026-01-03 has
 * 2 rows (skipped by the checks with minRows 5); 3 rows have no day (the NULL partition).
 */
function stagedRows(adapter: Adapter): string {
  const float = adapter.dialect.columnType('FLOAT64')
  const rows: string[] = []
  const row = (day: string | null, id: number, category: string | null, value: string, score: string) =>
    rows.push(
      `SELECT ${day ? `DATE '${day}'` : `CAST(NULL AS DATE)`} AS day, ${id} AS id, ${category ? `'${category}'` : `CAST(NULL AS ${adapter.dialect.columnType('STRING')})`} AS category, CAST(${value} AS ${float}) AS value, CAST(${score} AS ${float}) AS score`,
    )
  for (let i = 1; i <= 10; i++) row('2026-01-01', i, ['a', 'b', 'c'][i % 3]!, String(i * 7), String((i % 4) + 0.5))
  for (let i = 1; i <= 8; i++) row('2026-01-02', i, i === 8 ? 'z' : 'a', String(i * 20), i <= 5 ? '0' : String(i))
  row('2026-01-02', 3, 'b', `'inf'`, '0')
  row('2026-01-02', 10, 'b', `'NaN'`, '9')
  row('2026-01-02', 9, null, 'NULL', '0')
  row('2026-01-03', 1, 'a', '1', '1')
  row('2026-01-03', 2, 'b', '2', '3')
  for (let i = 1; i <= 3; i++) row(null, i, 'c', String(i), String(i))
  return rows.join('\nUNION ALL\n')
}

const CHECKS: CheckDefinition[] = [
  checks.uniqueKey({ columns: ['day', 'id'] }),
  checks.nonNull({ columns: ['category'] }),
  checks.acceptedValues({ column: 'category', values: ['a', 'b', 'c'] }),
  checks.range({ column: 'value', min: 0, max: 100 }),
  checks.zeroShare({ column: 'score', max: 0.3, includeNull: true, minRows: 5 }),
  checks.nullShare({ column: 'value', max: 0.05, minRows: 5, severity: 'warn' }),
  checks.notConstant({ column: 'score', minStddev: 0.5, minDistinct: 3, minRows: 5 }),
  checks.notConstant({ column: 'id', name: 'id_spread', minStddev: 0, minDistinct: 2 }),
  checks.rowCount({ min: 5 }),
  checks.rowCount({ relativeTo: 'expected', minRatio: 0.9, name: 'row_count_vs_expected' }),
  checks.distinctCount({ column: 'category', min: 2, max: 3 }),
  checks.freshness({ maxAgeDays: 0 }),
  checks.expression({ name: 'value_under_score', condition: 'value > score' }),
]

interface Engine {
  readonly adapter: Adapter
  readonly relation: string
  close(): Promise<void>
}

const ENGINES: Record<string, () => Promise<Engine>> = {
  duckdb: async () => {
    const adapter = await memoryAdapter()
    return { adapter, relation: '"t"."daily"', close: () => adapter.close() }
  },
  bigquery: async () => {
    const endpoint: LocalBigQuery = await startEndpoint()
    const client = localClient(endpoint) as unknown as BigQueryClient
    const adapter = new BigQueryAdapter(client, { project: 'local' })
    return { adapter, relation: '`local.t.daily`', close: () => endpoint.close() }
  },
}

for (const [engineName, open] of Object.entries(ENGINES)) {
  describe(`checks sent together (${engineName})`, () => {
    let engine: Engine
    let options: EvaluateOptions
    const targets = (list: readonly CheckDefinition[]) =>
      list.map((c) => ({ name: `daily.${c.name}`, action: 'daily', definition: c }))

    beforeAll(async () => {
      engine = await open()
      const { adapter } = engine
      const table = (name: string) => adapter.dialect.formatTarget({ dataset: 't', name })
      await adapter.execute(adapter.dialect.createSchema('t'))
      await adapter.execute(`CREATE TABLE ${table('daily')} AS\n${stagedRows(adapter)}`)
      await adapter.execute(`CREATE TABLE ${table('expected')} AS SELECT day, id FROM ${table('daily')}`)
      const query = queryCheck({
        name: 'scores_above_five',
        sql: `SELECT day, id, score FROM ${table('daily')} WHERE score > 5`,
        severity: 'error',
        partitionColumn: 'day',
        observe: { column: 'score', label: 'score', op: '>', threshold: 5 },
      })
      CHECKS.push(query)
      options = {
        adapter,
        relation: engine.relation,
        partitionColumn: 'day',
        resolveRelation: (name) => table(name),
        params: { interval_start: '2026-01-01', interval_end: '2026-01-04', reference_date: '2026-01-04' },
        restrictToInterval: false,
      }
    }, 60_000)

    afterAll(async () => {
      CHECKS.pop()
      await engine.close()
    })

    it('give the same results, messages and samples as each check sent alone', async () => {
      const rendered = targets(CHECKS).map((t) =>
        renderCheck(t, { ...options, dialect: engine.adapter.dialect, restrictToInterval: false }),
      )
      const statements = checkStatements(engine.adapter.dialect, rendered)
      expect(statements).toHaveLength(1)
      // The checks over the same rows are read in one scan; the key and the upstream ratio on their own.
      expect(statements[0]?.sql.match(/^-- one scan: /gm)).toHaveLength(1)
      expect(statements[0]?.sql).toContain('-- daily.unique_key\n')
      const together = await evaluateChecks(targets(CHECKS), options)
      const alone = []
      for (const target of targets(CHECKS)) alone.push(...(await evaluateChecks([target], options)))
      expect(together).toEqual(alone)
      // Every kind of outcome is in the comparison: failed, passed, skipped, the NULL partition and extras.
      expect(together.filter((r) => !r.passed).length).toBeGreaterThan(5)
      expect(together.filter((r) => r.skipped).map((r) => `${r.assertion} ${r.partition}`)).toContain(
        'daily.score_zero_share 2026-01-03',
      )
      expect(together.some((r) => r.partition === null && r.assertion === 'daily.id_spread')).toBe(true)
      const range = together.find((r) => r.assertion === 'daily.value_range' && r.partition === '2026-01-02')
      expect(range?.message).toContain('(observed 20..NaN)') // MAX over a NaN is NaN on both engines
      const vsExpected = together.find((r) => r.assertion === 'daily.row_count_vs_expected')
      expect(vsExpected?.message).toMatch(/of .*'s \d+ rows/)
      const spread = together.find((r) => r.assertion === 'daily.id_spread' && r.partition === '2026-01-02')
      expect(spread?.message).toContain('distinct values of id')
      expect(together.find((r) => r.assertion === 'daily.scores_above_five')?.sample.length).toBeGreaterThan(0)
    }, 60_000)

    it("fail with the broken check's own statement when the engine refuses one of them", async () => {
      const broken = checks.expression({ name: 'broken', condition: 'no_such_column > 0' })
      const list = targets([CHECKS[0]!, broken, CHECKS[3]!])
      const brokenSql = renderCheck(list[1]!, {
        ...options,
        dialect: engine.adapter.dialect,
        restrictToInterval: false,
      }).query.summarySql
      const error: unknown = await evaluateChecks(list, options).then(
        () => null,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(AdapterError)
      expect((error as AdapterError).statement).toBe(brokenSql)
    }, 60_000)

    it('restricted to an interval by parameters, as an audit is', async () => {
      const restricted = {
        ...options,
        restrictToInterval: true,
        params: { ...options.params, interval_end: '2026-01-03' },
      }
      const together = await evaluateChecks(targets(CHECKS), restricted)
      const alone = []
      for (const target of targets(CHECKS)) alone.push(...(await evaluateChecks([target], restricted)))
      expect(together).toEqual(alone)
      expect(together.some((r) => r.partition === '2026-01-03')).toBe(false)
    }, 60_000)
  })
}

describe('checks sent together, over the bounds of one statement', () => {
  it('split into several statements in check order, with the same results', async () => {
    const adapter = await memoryAdapter()
    try {
      await adapter.execute(`CREATE SCHEMA t; CREATE TABLE t.daily AS\n${stagedRows(adapter)}`)
      const many = Array.from({ length: 70 }, (_, i) =>
        checks.range({ column: i % 2 ? 'value' : 'score', min: 0, max: i, name: `bound_${i}` }),
      )
      const list = many.map((c) => ({ name: `daily.${c.name}`, action: 'daily', definition: c }))
      const options: EvaluateOptions = {
        adapter,
        relation: '"t"."daily"',
        partitionColumn: 'day',
        resolveRelation: (name) => `"t"."${name}"`,
        params: {},
      }
      const rendered = list.map((t) =>
        renderCheck(t, { ...options, dialect: adapter.dialect, restrictToInterval: false }),
      )
      const statements = checkStatements(adapter.dialect, rendered)
      expect(statements.map((s) => s.checks.length)).toEqual([64, 6])
      expect(statements.flatMap((s) => s.checks)).toEqual(rendered.map((_, i) => i))
      const together = await evaluateChecks(list, options)
      const alone = []
      for (const target of list) alone.push(...(await evaluateChecks([target], options)))
      expect(together).toEqual(alone)
      expect(together.filter((r) => !r.passed).length).toBeGreaterThan(50)
    } finally {
      await adapter.close()
    }
  }, 60_000)
})

describe('an audit of several checks', () => {
  it('sends one summary statement; when it fails, the target stays as it was and the staged rows are kept', async () => {
    const adapter = await memoryAdapter()
    try {
      const graph = await compileFixture('checks')
      await seedStores(adapter)
      const run = (restate: boolean) =>
        runPipeline({
          graph,
          adapter,
          run: testRun({ startedAt: '2026-01-06T06:00:00.000Z' }),
          today: '2026-01-06',
          runsDir: null,
          selection: { actions: ['store_features'] },
          profile: true,
          ...(restate ? { restate: true, from: '2026-01-01', to: '2026-01-05' } : {}),
        })
      const snapshot = () => adapter.query('SELECT * FROM stores.store_features ORDER BY visit_date, store_id')
      const first = await run(false)
      expect(first.ok).toBe(true)
      const audits = first.profile?.entries.filter((e) => e.kind === 'check' && e.action === 'store_features') ?? []
      const inline = graph.actions.find((a) => a.name === 'store_features')?.checks.length ?? 0
      expect(inline).toBeGreaterThan(5)
      // One summary statement for all the inline checks of the batch, beside the contract, interval and count checks.
      expect(audits.filter((e) => e.label === `${inline} checks`)).toHaveLength(1)
      const before = await snapshot()

      await adapter.execute(`UPDATE raw.raw_visits SET visitors = -1 WHERE store_id = 's03'`)
      const failed = await run(true)
      expect(failed.actions.find((a) => a.name === 'store_features')).toMatchObject({
        status: 'failed',
        error: { code: 'assertion-failed' },
      })
      expect(failed.actions.find((a) => a.name === 'store_features')?.error?.message).toMatch(/visitors_range failed/)
      expect(await snapshot()).toEqual(before)
      expect(
        await adapter.query(
          `SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE visitors = -1) AS bad FROM stores.store_features__staging`,
        ),
      ).toEqual([{ n: 50, bad: 5 }])
    } finally {
      await adapter.close()
    }
  }, 60_000)
})

describe("the sample project's check statements on BigQuery", () => {
  it("parse as BigQuery SQL, each under BigQuery's query size limit, extras included", async () => {
    const graph = await compileReal('bigquery')
    const plans = planOffline(graph, bigQueryDialect, { start: '2026-01-09', end: '2026-01-10' })
    const steps = plans.flatMap((p) => p.batches.flatMap((b) => b.steps)).filter((s) => s.kind === 'checks')
    const statements = steps.flatMap((s) => (s.kind === 'checks' ? s.statements : []))
    const fused = statements.filter((s) => s.checks.length > 1)
    expect(fused.length).toBeGreaterThan(5)
    expect(fused.some((s) => s.extras.includes('distinct_count'))).toBe(true)
    for (const statement of statements) {
      expect(statement.sql.length).toBeLessThan(1_000_000)
      parseBigQuery(statement.sql)
    }
    // Every check of the project is in exactly one statement of its step.
    for (const step of steps)
      if (step.kind === 'checks') expect(step.statements.flatMap((s) => s.checks)).toEqual(step.checks.map((_, i) => i))
  }, 60_000)
})

import { describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { bigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import type { Dialect, EngineId } from '../../src/engines/dialect.js'
import { STATE_TABLES } from '../../src/state/state-tables.js'
import { planToJson } from '../../src/runner/plan-json.js'
import { formatPlan } from '../../src/runner/plan-text.js'
import type { ActionPlan } from '../../src/runner/steps.js'
import { parseBigQuery } from '../support/bigquery-parse.js'
import { compileFixture } from '../support/fixtures.js'
import { planOffline } from '../support/plan.js'

const DIALECTS: Record<EngineId, Dialect> = { duckdb: duckDbDialect, bigquery: bigQueryDialect }

const LIVE = {
  orders_daily: ['order_date', 'customer_id', 'orders', 'amount', 'build_commit_sha', 'run_id'],
  customer_totals: ['order_date', 'customer_id', 'amount'],
  orders_log: ['order_date', 'customer_id', 'amount', 'run_id', 'loaded_at'],
}

function plansOf(graph: CompiledGraph, dialect: Dialect, existing: boolean): Map<string, ActionPlan> {
  const relations = existing
    ? Object.fromEntries(
        Object.entries(LIVE).map(([name, columns]) => [
          name,
          columns.map((c) => ({ name: c, type: 'STRING', nullable: true })),
        ]),
      )
    : {}
  const plans = planOffline(graph, dialect, { start: '2026-01-09', end: '2026-01-11', relations })
  return new Map(plans.map((p) => [p.action.name, p]))
}

function sqlOf(plan: ActionPlan | undefined): string[] {
  if (!plan) throw new Error('no plan')
  return planToJson([plan]).flatMap((p) => p.batches.flatMap((b) => [...b.steps, ...b.onFailure].flatMap((s) => s.sql)))
}

/** Every statement the engine sends for each action kind and write strategy of the shop fixture, from the planner. */
function statementsByCase(graph: CompiledGraph, dialect: Dialect): Record<string, string[]> {
  const existing = plansOf(graph, dialect, true)
  const fresh = plansOf(graph, dialect, false)
  return {
    'table-build': sqlOf(existing.get('customers')),
    view: sqlOf(existing.get('customer_countries')),
    'incremental-create-from-contract': sqlOf(fresh.get('orders_daily')),
    'incremental-create-from-first-batch': sqlOf(fresh.get('orders_log')),
    'incremental-replace-interval': sqlOf(existing.get('orders_daily')),
    'incremental-merge': sqlOf(existing.get('customer_totals')),
    'incremental-append': sqlOf(existing.get('orders_log')),
    operation: sqlOf(existing.get('analyze_orders')),
    assertion: sqlOf(existing.get('orders_have_positive_amounts')),
    'source-declaration': [formatPlan(planToJson([existing.get('raw_orders') ?? fail()]))],
    'state-tables': Object.entries(STATE_TABLES).map(([name, spec]) =>
      dialect.createTable({ dataset: 'pipeline_state', name }, spec.columns, spec),
    ),
    'plan-text-orders-daily': [
      formatPlan(planToJson([existing.get('orders_daily') ?? fail(), fresh.get('orders_daily') ?? fail()])),
    ],
  }
}

function fail(): never {
  throw new Error('missing plan')
}

for (const engine of ['duckdb', 'bigquery'] as const) {
  describe(`golden SQL for ${engine}`, () => {
    it('matches the reviewed statements of every action kind and write strategy', async () => {
      const graph = await compileFixture('shop', engine)
      expect(graph.issues).toEqual([])
      for (const [name, statements] of Object.entries(statementsByCase(graph, DIALECTS[engine]))) {
        expect(statements.length).toBeGreaterThan(0)
        const text =
          name.startsWith('plan-text') || name === 'source-declaration'
            ? statements.join('')
            : `${statements.join(';\n\n')};\n`
        await expect(text).toMatchFileSnapshot(
          `../golden/${engine}/${name}.${name.startsWith('plan-text') || name === 'source-declaration' ? 'txt' : 'sql'}`,
        )
      }
    })
  })
}

describe('BigQuery statements', () => {
  it('every compiled query and every strategy statement parses as BigQuery SQL', async () => {
    const graph = await compileFixture('shop', 'bigquery')
    const cases = statementsByCase(graph, bigQueryDialect)
    const statements = [
      ...Object.entries(cases)
        .filter(([name]) => !name.startsWith('plan-text') && name !== 'source-declaration')
        .flatMap(([, list]) => list),
      ...graph.actions.flatMap((a) => [
        a.sql.query,
        a.sql.fullQuery,
        ...(a.sql.statements ?? []),
        ...a.checks.flatMap((c) => [c.summarySql, c.offendingSql]),
      ]),
    ].filter((s): s is string => typeof s === 'string')
    expect(statements.length).toBeGreaterThan(20)
    for (const statement of statements) parseBigQuery(statement)
  })

  it('the parser rejects what BigQuery would reject, so the check above can fail', () => {
    expect(() => parseBigQuery('SELECT * FROM "double_quoted_table" WHERE x = $1')).toThrow(/BigQuery parser rejected/)
  })
})

import { describe, expect, it } from 'vitest'
import type { CompiledAction, CompiledGraph } from '../../src/compiler/compiled.js'
import { bigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import type { Dialect, EngineId } from '../../src/engines/dialect.js'
import { STATE_TABLES } from '../../src/state/state-tables.js'
import { publishTableStatements, stageStatement, writeIntervalStatements } from '../../src/runner/statements.js'
import { parseBigQuery } from '../support/bigquery-parse.js'
import { compileFixture } from '../support/fixtures.js'

const DIALECTS: Record<EngineId, Dialect> = { duckdb: duckDbDialect, bigquery: bigQueryDialect }

function action(graph: CompiledGraph, name: string): CompiledAction {
  const found = graph.actions.find((a) => a.name === name)
  if (!found) throw new Error(`no action ${name}`)
  return found
}

/** Every statement the engine would run for each action kind and write strategy of the shop fixture. */
function statementsByCase(graph: CompiledGraph, dialect: Dialect): Record<string, string[]> {
  const table = action(graph, 'customers')
  const publish = publishTableStatements(table, dialect)
  const columns = (name: string) => {
    const d = action(graph, name).definition
    return d.kind === 'incremental' && d.columns
      ? d.columns.map((c) => c.name)
      : ['order_date', 'customer_id', 'amount']
  }
  const incremental = (name: string) => {
    const a = action(graph, name)
    return [
      stageStatement(a, dialect, a.sql.query as string),
      ...dialect.transaction(writeIntervalStatements(a, dialect, columns(name))),
    ]
  }
  const orders = action(graph, 'orders_daily')
  const ordersDefinition = orders.definition
  return {
    'table-build': [
      stageStatement(table, dialect, table.sql.query as string),
      ...dialect.transaction(publish.transactional),
      ...publish.after,
    ],
    view: [
      dialect.createOrReplaceView(
        action(graph, 'customer_countries').target!,
        action(graph, 'customer_countries').sql.query as string,
      ),
    ],
    'incremental-create-from-contract':
      ordersDefinition.kind === 'incremental' && ordersDefinition.columns
        ? [
            dialect.createTable(orders.target!, ordersDefinition.columns, {
              partitionBy: 'order_date',
              clusterBy: ['customer_id'],
              requirePartitionFilter: true,
            }),
          ]
        : [],
    'incremental-replace-interval': incremental('orders_daily'),
    'incremental-merge': incremental('customer_totals'),
    'incremental-append': incremental('orders_log'),
    operation: [...(action(graph, 'analyze_orders').sql.statements ?? [])],
    assertion: action(graph, 'orders_have_positive_amounts').checks.map((c) => c.summarySql),
    'state-tables': Object.entries(STATE_TABLES).map(([name, spec]) =>
      dialect.createTable({ dataset: 'pipeline_state', name }, spec.columns, spec),
    ),
  }
}

for (const engine of ['duckdb', 'bigquery'] as const) {
  describe(`golden SQL for ${engine}`, () => {
    it('matches the reviewed statements of every action kind and write strategy', async () => {
      const graph = await compileFixture('shop', engine)
      expect(graph.issues).toEqual([])
      for (const [name, statements] of Object.entries(statementsByCase(graph, DIALECTS[engine]))) {
        expect(statements.length).toBeGreaterThan(0)
        await expect(`${statements.join(';\n\n')};\n`).toMatchFileSnapshot(`../golden/${engine}/${name}.sql`)
      }
    })
  })
}

describe('BigQuery statements', () => {
  it('every compiled query and every strategy statement parses as BigQuery SQL', async () => {
    const graph = await compileFixture('shop', 'bigquery')
    const statements = [
      ...Object.values(statementsByCase(graph, bigQueryDialect)).flat(),
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

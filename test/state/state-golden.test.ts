import { describe, expect, it } from 'vitest'
import type { Adapter, Statement, StatementOptions } from '../../src/engines/adapter.js'
import { createBigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import type { Dialect, EngineId } from '../../src/engines/dialect.js'
import { leaseStatements } from '../../src/migrate/lease-lock.js'
import { StateStore } from '../../src/state/state-store.js'
import { parseBigQuery } from '../support/bigquery-parse.js'

const DIALECTS: Record<EngineId, Dialect> = {
  duckdb: duckDbDialect,
  bigquery: createBigQueryDialect({ project: 'my-project' }),
}

/** An adapter with no warehouse behind it: records what it is sent, reads nothing. */
function recordingAdapter(dialect: Dialect): { adapter: Adapter; sent: Statement[] } {
  const sent: Statement[] = []
  const record = (sql: string, options?: StatementOptions) => sent.push({ sql, ...(options ?? {}) })
  const adapter: Adapter = {
    engine: dialect.engine,
    dialect,
    execute: async (sql, options) => (record(sql, options), { rowsChanged: 0 }),
    query: async (sql, options) => (record(sql, options), []),
    transaction: async (statements) => void sent.push(...statements),
    copyTable: async () => {},
    estimateBytes: async () => null,
    tableExists: async () => false,
    describeTable: async () => null,
    describeQuery: async () => [],
    close: async () => {},
  }
  return { adapter, sent }
}

const RUN = { runId: 'run-1', buildCommitSha: 'sha-1', mode: 'daily' }

/** Every state statement per case, in the order the store sends them. */
async function stateStatements(dialect: Dialect): Promise<Record<string, Statement[]>> {
  const { adapter, sent } = recordingAdapter(dialect)
  const store = new StateStore(adapter, 'pipeline_state')
  const take = async (work: () => Promise<unknown>) => {
    sent.length = 0
    await work()
    return [...sent]
  }
  return {
    'state-upgrade': await take(() => store.ensure({ buildCommitSha: 'sha-1' })),
    'state-runs': await take(async () => {
      await store.startRun({
        ...RUN,
        command: 'run',
        status: 'running',
        startedAt: '2026-01-10T06:00:00.000Z',
        deploymentRevision: 'rev-1',
        engine: dialect.engine,
        selection: null,
        fromDate: '2026-01-09',
        skipAssertions: false,
        pid: 4242,
        host: 'runner-a',
      })
      await store.finishRun('run-1', 'succeeded', '2026-01-10T06:30:00.000Z', { succeeded: 2, failed: 0, skipped: 1 })
      await store.unfinishedRuns('backfill', '["a"]', '2026-01-01', '2026-01-05')
      await store.lastRun('daily')
    }),
    'state-action-runs': await take(() =>
      store.recordActionRun({
        runId: 'run-1',
        action: 'orders_daily',
        kind: 'incremental',
        status: 'failed',
        startedAt: '2026-01-10T06:00:01.000Z',
        finishedAt: '2026-01-10T06:00:02.000Z',
        durationMs: 1000,
        rowsWritten: null,
        interval: { start: '2026-01-09', end: '2026-01-10' },
        sqlHash: 'abc',
        buildCommitSha: 'sha-1',
        errorCode: 'adapter-failed',
        errorMessage: "it's broken",
        skippedBecause: null,
      }),
    ),
    'state-intervals': [
      ...(await take(() => store.completedIntervals('orders_daily', ['run-1', 'run-2']))),
      ...(await take(() => store.completedIntervalsOf(['orders_daily', 'orders_log'], ['run-1']))),
      store.intervalStatement('orders_daily', { start: '2026-01-09', end: '2026-01-10' }, RUN, 40, { verified: true }),
      store.clearIntervalsStatement('orders_daily', { start: '2026-01-01', end: '2026-01-10' }),
    ],
    'state-assertion-results': await take(() =>
      store.recordAssertionResults([
        {
          ...RUN,
          assertion: 'orders_positive',
          action: 'orders_daily',
          builtin: 'expression',
          partition: '2026-01-09',
          observed: 0.5,
          threshold: '= 0',
          rowCount: 2,
          severity: 'error',
          passed: false,
          skipped: false,
          message: "2 rows where amount <= 0 (it's bad)",
          sample: '[{"order_id":7}]',
          evaluatedAt: '2026-01-10T06:00:03.000Z',
        },
      ]),
    ),
    'state-locks': Object.entries(leaseStatements(dialect, 'pipeline_state')).map(([label, sql]) => ({ sql, label })),
  }
}

function render(statements: readonly Statement[]): string {
  return statements
    .map((s) => {
      const params = Object.keys(s.params ?? {}).length ? `\n-- params: ${JSON.stringify(s.params)}` : ''
      return `${s.sql};${params}\n`
    })
    .join('\n')
}

for (const engine of ['duckdb', 'bigquery'] as const) {
  describe(`golden state SQL for ${engine}`, () => {
    it('matches the reviewed statements of the state store, its upgrade and the lease', async () => {
      for (const [name, statements] of Object.entries(await stateStatements(DIALECTS[engine]))) {
        expect(statements.length, name).toBeGreaterThan(0)
        await expect(render(statements)).toMatchFileSnapshot(`../golden/${engine}/state/${name}.sql`)
      }
    })
  })
}

describe('BigQuery state statements', () => {
  it('every statement the state store, its upgrade and the lease send parses as BigQuery SQL', async () => {
    const statements = Object.values(await stateStatements(DIALECTS.bigquery)).flat()
    expect(statements.length).toBeGreaterThan(20)
    for (const statement of statements) parseBigQuery(statement.sql)
  })

  it('binds only names the SQL uses, and types NULLs in the text instead of binding them', async () => {
    const statements = Object.values(await stateStatements(DIALECTS.bigquery)).flat()
    for (const { sql, params } of statements) {
      for (const [name, value] of Object.entries(params ?? {})) {
        expect(sql, name).toMatch(new RegExp(`@${name}\\b`))
        expect(value, `${name} in ${sql}`).not.toBeNull()
      }
    }
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import type { Adapter, Statement } from '../../src/engines/adapter.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { assertionResultStatements } from '../../src/state/assertion-results.js'
import type { AssertionResultRecord, RunRecord } from '../../src/state/state-store.js'
import { StateStore } from '../../src/state/state-store.js'
import { delegate } from '../migrate/support.js'

const DATASET = 'pipeline_state'
const adapters: DuckDbAdapter[] = []
afterEach(async () => {
  for (const adapter of adapters.splice(0)) await adapter.close()
})

async function openStore(wrap: (adapter: Adapter) => Adapter = (a) => a): Promise<StateStore> {
  const adapter = await DuckDbAdapter.open({ path: ':memory:' })
  adapters.push(adapter)
  const store = new StateStore(wrap(adapter), DATASET)
  await store.ensure()
  return store
}

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: 'run-1',
    command: 'backfill',
    mode: 'backfill',
    status: 'running',
    startedAt: '2026-01-10T06:00:00.000Z',
    buildCommitSha: 'sha-1',
    deploymentRevision: 'rev-1',
    engine: 'duckdb',
    selection: '["orders_daily"]',
    fromDate: '2026-01-01',
    toDate: '2026-01-05',
    skipAssertions: false,
    reason: null,
    pid: 4242,
    host: 'runner-a',
    ...overrides,
  }
}

function result(i: number, overrides: Partial<AssertionResultRecord> = {}): AssertionResultRecord {
  return {
    runId: 'run-1',
    assertion: `check_${i % 7}`,
    action: i % 3 ? `action_${i % 5}` : null,
    builtin: 'rowCount',
    partition: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
    observed: i % 4 ? i / 8 : null,
    threshold: '> 0',
    rowCount: i,
    severity: i % 2 ? 'error' : 'warn',
    passed: i % 6 !== 0,
    skipped: false,
    message: `row ${i}`,
    sample: i % 6 === 0 ? JSON.stringify([{ id: i }]) : null,
    buildCommitSha: 'sha-1',
    evaluatedAt: '2026-01-10T06:01:02.345Z',
    ...overrides,
  }
}

describe('StateStore on DuckDB', () => {
  it('writes a run and reads it back: unfinished until finished, then the last run of its mode', async () => {
    const store = await openStore()
    await store.startRun(run())
    await store.startRun(run({ runId: 'run-0', startedAt: '2026-01-09T06:00:00.000Z' }))
    expect(await store.unfinishedRuns('backfill', '["orders_daily"]', '2026-01-01', '2026-01-05')).toEqual([
      { runId: 'run-0', buildCommitSha: 'sha-1' },
      { runId: 'run-1', buildCommitSha: 'sha-1' },
    ])
    expect(await store.unfinishedRuns('backfill', '["orders_daily"]', '2026-01-01', '2026-01-06')).toEqual([])
    await store.finishRun('run-1', 'succeeded', '2026-01-10T06:30:00.000Z', { succeeded: 3, failed: 0, skipped: 1 })
    expect(await store.unfinishedRuns('backfill', '["orders_daily"]', '2026-01-01', '2026-01-05')).toEqual([
      { runId: 'run-0', buildCommitSha: 'sha-1' },
    ])
    expect(await store.runningRuns()).toEqual([{ runId: 'run-0', pid: 4242, host: 'runner-a' }])
    await store.markInterrupted(['run-0', 'run-1'], '2026-01-11T00:00:00.000Z')
    expect(
      await store.adapter.query('SELECT run_id, status, finished_at FROM pipeline_state.runs ORDER BY run_id'),
    ).toEqual([
      { run_id: 'run-0', status: 'interrupted', finished_at: '2026-01-11T00:00:00.000Z' },
      { run_id: 'run-1', status: 'succeeded', finished_at: '2026-01-10T06:30:00.000Z' },
    ])
    expect(await store.runningRuns()).toEqual([])
    const [row] = await store.adapter.query("SELECT * FROM pipeline_state.runs WHERE run_id = 'run-1'")
    expect(row).toMatchObject({
      status: 'succeeded',
      started_at: '2026-01-10T06:00:00.000Z',
      finished_at: '2026-01-10T06:30:00.000Z',
      from_date: '2026-01-01',
      skip_assertions: false,
      reason: null,
      actions_succeeded: 3,
      actions_skipped: 1,
      pid: 4242,
      host: 'runner-a',
    })
  })

  it('finds the last succeeded run of a mode among runs of command "run" only: a failed daily run is no deployment', async () => {
    const store = await openStore()
    expect(await store.lastRun('daily')).toBeNull()
    const daily = (runId: string, startedAt: string) =>
      run({ runId, command: 'run', mode: 'daily', startedAt, buildCommitSha: `sha-${runId}` })
    await store.startRun(daily('d1', '2026-01-08T06:00:00.000Z'))
    await store.startRun(daily('d2', '2026-01-09T06:00:00.000Z'))
    await store.startRun(daily('d3', '2026-01-10T06:00:00.000Z'))
    await store.finishRun('d1', 'succeeded', '2026-01-08T07:00:00.000Z', { succeeded: 1, failed: 0, skipped: 0 })
    await store.finishRun('d2', 'failed', '2026-01-09T07:00:00.000Z', { succeeded: 0, failed: 1, skipped: 0 })
    expect(await store.lastRun('daily')).toEqual({
      runId: 'd1',
      buildCommitSha: 'sha-d1',
      startedAt: '2026-01-08T06:00:00.000Z',
    })
  })

  it('defaults pid and host to this process', async () => {
    const store = await openStore()
    await store.startRun(run({ pid: undefined, host: undefined }))
    const [row] = await store.adapter.query('SELECT pid, host FROM pipeline_state.runs')
    expect(row?.pid).toBe(process.pid)
    expect(typeof row?.host).toBe('string')
  })

  it('records an action run with NULLs where nothing was measured', async () => {
    const store = await openStore()
    await store.recordActionRun({
      runId: 'run-1',
      action: 'orders_daily',
      kind: 'incremental',
      status: 'skipped',
      startedAt: null,
      finishedAt: null,
      durationMs: 12.6,
      rowsWritten: null,
      interval: { start: '2026-01-01', end: '2026-01-02' },
      sqlHash: null,
      buildCommitSha: 'sha-1',
      errorCode: null,
      errorMessage: "upstream 'orders' failed",
      skippedBecause: 'orders',
    })
    expect(await store.adapter.query('SELECT * FROM pipeline_state.action_runs')).toEqual([
      {
        run_id: 'run-1',
        action: 'orders_daily',
        kind: 'incremental',
        status: 'skipped',
        started_at: null,
        finished_at: null,
        duration_ms: 13,
        rows_written: null,
        interval_start: '2026-01-01',
        interval_end: '2026-01-02',
        sql_hash: null,
        build_commit_sha: 'sha-1',
        error_code: null,
        error_message: "upstream 'orders' failed",
        skipped_because: 'orders',
        inputs_hash: null,
      },
    ])
  })

  it('records intervals inside a transaction, filters them by run, and clears a range', async () => {
    const store = await openStore()
    const days = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']
    const statements = days
      .slice(0, 3)
      .map((start, i) =>
        store.intervalStatement(
          'orders_daily',
          { start, end: days[i + 1]! },
          { runId: i === 1 ? 'run-2' : 'run-1', buildCommitSha: 'sha-1', mode: 'daily' },
          10 + i,
          i === 2 ? { verified: false } : {},
        ),
      )
    // Several interval statements share one transaction without any parameter to collide on.
    await store.adapter.transaction(statements)
    expect(await store.completedIntervals('orders_daily')).toEqual([
      { start: '2026-01-01', end: '2026-01-02' },
      { start: '2026-01-02', end: '2026-01-03' },
      { start: '2026-01-03', end: '2026-01-04' },
    ])
    expect(await store.completedIntervals('orders_daily', ['run-2'])).toEqual([
      { start: '2026-01-02', end: '2026-01-03' },
    ])
    expect(await store.completedIntervals('other')).toEqual([])
    // Planning reads every action's intervals in one statement: the same intervals, by action.
    expect(await store.completedIntervalsOf(['orders_daily', 'other'])).toEqual(
      new Map([
        ['orders_daily', await store.completedIntervals('orders_daily')],
        ['other', []],
      ]),
    )
    expect(await store.completedIntervalsOf(['orders_daily'], ['run-2'])).toEqual(
      new Map([['orders_daily', [{ start: '2026-01-02', end: '2026-01-03' }]]]),
    )
    expect(
      await store.adapter.query('SELECT rows_written, verified FROM pipeline_state.intervals ORDER BY interval_start'),
    ).toEqual([
      { rows_written: 10, verified: null },
      { rows_written: 11, verified: null },
      { rows_written: 12, verified: false },
    ])
    await store.adapter.transaction([
      store.clearIntervalsStatement('orders_daily', { start: '2026-01-02', end: '2026-01-04' }),
    ])
    expect(await store.completedIntervals('orders_daily')).toEqual([{ start: '2026-01-01', end: '2026-01-02' }])
    await store.adapter.transaction([store.clearIntervalsStatement('orders_daily')])
    expect(await store.completedIntervals('orders_daily')).toEqual([])
  })

  it('keeps action names with quotes intact in the interval statements', async () => {
    const store = await openStore()
    const name = 'o\'brien\\ "x"'
    await store.adapter.transaction([
      store.intervalStatement(
        name,
        { start: '2026-01-01', end: '2026-01-02' },
        { runId: 'r', buildCommitSha: 's', mode: 'm' },
        null,
      ),
    ])
    expect(await store.completedIntervals(name)).toEqual([{ start: '2026-01-01', end: '2026-01-02' }])
    await store.adapter.transaction([store.clearIntervalsStatement(name)])
    expect(await store.completedIntervals(name)).toEqual([])
  })
})

describe('assertion results in bulk', () => {
  it('writes 27,000 results in one statement and reads every value back', async () => {
    const sent: Statement[] = []
    const store = await openStore((adapter) =>
      delegate(adapter, {
        execute: (sql, options) => (sent.push({ sql, ...options }), adapter.execute(sql, options)),
      }),
    )
    const results = Array.from({ length: 27_000 }, (_, i) => result(i))
    sent.length = 0
    await store.recordAssertionResults(results)
    expect(sent).toHaveLength(1)
    const rows = await store.adapter.query<{ n: number; rows: number; samples: number; observed: number }>(
      `SELECT count(*) AS n, sum(row_count) AS rows, count(sample) AS samples, sum(observed) AS observed
       FROM pipeline_state.assertion_results`,
    )
    expect(rows).toEqual([
      {
        n: 27_000,
        rows: results.reduce((s, r) => s + r.rowCount, 0),
        samples: results.filter((r) => r.sample !== null).length,
        observed: results.reduce((s, r) => s + (r.observed ?? 0), 0),
      },
    ])
  })

  it('round-trips awkward values: quotes, backslashes, newlines, unicode, JSON samples, NaN and infinities', async () => {
    const store = await openStore()
    const awkward = [
      result(1, { message: 'it\'s a "quote" \\ back\nslash\ttab ✓ 日本', observed: Number.NaN }),
      result(2, { sample: JSON.stringify([{ name: "O'Neal", note: 'a\nb' }]), observed: Number.POSITIVE_INFINITY }),
      result(3, { action: null, partition: null, observed: -0.125, passed: false, skipped: true }),
    ]
    await store.recordAssertionResults(awkward)
    const rows = await store.adapter.query<Record<string, unknown>>(
      `SELECT message, CAST(sample AS VARCHAR) AS sample, CAST(observed AS VARCHAR) AS observed, action, partition_value,
         passed, skipped, evaluated_at FROM pipeline_state.assertion_results ORDER BY row_count`,
    )
    expect(rows[0]).toMatchObject({ message: awkward[0]!.message, observed: 'nan', sample: null })
    expect(rows[1]).toMatchObject({ sample: awkward[1]!.sample, observed: 'inf' })
    expect(rows[2]).toMatchObject({
      action: null,
      partition_value: null,
      observed: '-0.125',
      passed: false,
      skipped: true,
      evaluated_at: '2026-01-10T06:01:02.345Z',
    })
  })

  it('splits rows across statements when the engine limits statement length, losing none', async () => {
    const store = await openStore()
    const small = {
      ...store.adapter.dialect,
      capabilities: { ...store.adapter.dialect.capabilities, maxStatementLength: 20_000 },
    }
    const results = Array.from({ length: 500 }, (_, i) => result(i))
    const statements = assertionResultStatements(small, DATASET, results)
    expect(statements.length).toBeGreaterThan(5)
    for (const s of statements) expect(s.sql.length + String(s.params?.json_rows).length).toBeLessThanOrEqual(20_000)
    for (const s of statements) await store.adapter.execute(s.sql, s)
    const [count] = await store.adapter.query(
      'SELECT count(DISTINCT row_count) AS n FROM pipeline_state.assertion_results',
    )
    expect(count).toEqual({ n: 500 })
  })

  it('sends nothing for no results', async () => {
    const store = await openStore()
    expect(assertionResultStatements(store.adapter.dialect, DATASET, [])).toEqual([])
  })
})

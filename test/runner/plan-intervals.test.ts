/**
 * The interval planner (src/runner/plan.ts): for each selected incremental action, the range it may cover
 * (its start, --from/--to, the latest date its sources hold) minus the intervals recorded as done, cut into
 * batches of its batchDays. Real DuckDB (:memory:) and the real state store; the shop fixture's graph:
 * raw_orders (declaration with an interval column) → orders_daily (batchDays 2) → customer_totals, and
 * orders_log (the default batchDays, 31), all starting 2026-01-01.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DateInterval } from '../../src/core/dates.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { planIntervals } from '../../src/runner/plan.js'
import type { IntervalOptions, IntervalPlan } from '../../src/runner/plan.js'
import { StateStore } from '../../src/state/state-store.js'
import { compileFixture, memoryAdapter } from '../support/fixtures.js'
import { delegate } from '../migrate/support.js'

const INCREMENTALS = new Set(['orders_daily', 'customer_totals', 'orders_log'])
const span = (start: string, end: string): DateInterval => ({ start, end })

let graph: CompiledGraph
let adapter: DuckDbAdapter
let state: StateStore

beforeEach(async () => {
  graph ??= await compileFixture('shop')
  adapter = await memoryAdapter()
  state = new StateStore(adapter, 'pipeline_state')
  await state.ensure()
})
afterEach(async () => adapter.close())

/** raw.raw_orders holding orders on these dates. */
async function orders(...dates: string[]): Promise<void> {
  await adapter.execute(`CREATE SCHEMA IF NOT EXISTS raw; CREATE OR REPLACE TABLE raw.raw_orders AS
    SELECT CAST(d AS DATE) AS order_date, 1 AS customer_id, 10.0 AS amount FROM (VALUES ${dates.map((d) => `('${d}')`).join(', ')}) t(d)`)
}

async function recordDone(action: string, interval: DateInterval, runId: string): Promise<void> {
  const statement = state.intervalStatement(
    action,
    interval,
    { runId, buildCommitSha: 'a'.repeat(40), mode: 'daily' },
    1,
  )
  await adapter.transaction([statement])
}

async function plan(
  options: Partial<IntervalOptions> = {},
  selected: ReadonlySet<string> = INCREMENTALS,
): Promise<Map<string, IntervalPlan>> {
  return planIntervals(graph, selected, adapter, state, { today: '2026-01-20', ...options })
}

describe('planIntervals', () => {
  it('covers each action from its start to the day after its sources’ latest date, in batches of its batchDays', async () => {
    await orders('2026-01-01', '2026-01-03', '2026-01-07')
    const plans = await plan()
    expect(plans.get('orders_daily')).toEqual({
      range: span('2026-01-01', '2026-01-08'),
      batches: [
        span('2026-01-01', '2026-01-03'),
        span('2026-01-03', '2026-01-05'),
        span('2026-01-05', '2026-01-07'),
        span('2026-01-07', '2026-01-08'),
      ],
    })
    // downstream of orders_daily: bounded by the same source
    expect(plans.get('customer_totals')?.range).toEqual(span('2026-01-01', '2026-01-08'))
    expect(plans.get('orders_log')?.batches).toEqual([span('2026-01-01', '2026-01-08')])
  })

  it('reads the sources’ latest dates in one statement and every action’s recorded intervals in another', async () => {
    await orders('2026-01-02')
    await recordDone('orders_log', span('2026-01-01', '2026-01-02'), 'run-a')
    const sent: string[] = []
    const watched = delegate(adapter, { query: (text, options) => (sent.push(text), adapter.query(text, options)) })
    const plans = await planIntervals(graph, INCREMENTALS, watched, new StateStore(watched, 'pipeline_state'), {
      today: '2026-01-20',
    })
    expect(sent.filter((text) => /MAX\(/.test(text))).toHaveLength(1)
    expect(sent.filter((text) => /from "pipeline_state"\."intervals"/.test(text))).toHaveLength(1)
    expect(plans.get('orders_log')?.batches).toEqual([span('2026-01-02', '2026-01-03')])
    expect(plans.get('orders_daily')?.batches).toEqual([span('2026-01-01', '2026-01-03')])
  })

  it('plans only the selected incremental actions', async () => {
    await orders('2026-01-02')
    const plans = await plan({}, new Set(['orders_log', 'customers', 'raw_orders']))
    expect([...plans.keys()]).toEqual(['orders_log'])
  })

  it('clamps the range to --from and --to (inclusive), never before the action’s start nor past its data', async () => {
    await orders('2026-01-10')
    expect((await plan({ from: '2026-01-04', to: '2026-01-06' })).get('orders_daily')?.range).toEqual(
      span('2026-01-04', '2026-01-07'),
    )
    expect((await plan({ from: '2025-12-01', to: '2026-01-02' })).get('orders_daily')?.range).toEqual(
      span('2026-01-01', '2026-01-03'),
    )
    expect((await plan({ to: '2026-03-01' })).get('orders_daily')?.range).toEqual(span('2026-01-01', '2026-01-11'))
    // --from after the data: an empty range, nothing to do
    expect((await plan({ from: '2026-01-15' })).get('orders_daily')).toEqual({
      range: span('2026-01-15', '2026-01-15'),
      batches: [],
    })
  })

  it('bounds an action whose source table does not exist yet by today', async () => {
    const plans = await plan({ from: '2026-01-18' })
    expect(plans.get('orders_daily')?.range).toEqual(span('2026-01-18', '2026-01-21'))
  })

  it('skips the intervals recorded as done, batching each gap on its own', async () => {
    await orders('2026-01-09')
    await recordDone('orders_daily', span('2026-01-01', '2026-01-03'), 'run-a')
    await recordDone('orders_daily', span('2026-01-05', '2026-01-08'), 'run-b')
    await recordDone('orders_log', span('2026-01-01', '2026-01-10'), 'run-a')
    const plans = await plan()
    expect(plans.get('orders_daily')).toEqual({
      range: span('2026-01-01', '2026-01-10'),
      batches: [span('2026-01-03', '2026-01-05'), span('2026-01-08', '2026-01-10')],
    })
    expect(plans.get('orders_log')?.batches).toEqual([])
    // another action's records do not count
    expect(plans.get('customer_totals')?.batches).toEqual([span('2026-01-01', '2026-01-10')])
  })

  it('rebuilds the done intervals with restate and full refresh; a resumed restate skips only its own runs’ intervals', async () => {
    await orders('2026-01-06')
    await recordDone('orders_daily', span('2026-01-01', '2026-01-03'), 'run-daily')
    await recordDone('orders_daily', span('2026-01-03', '2026-01-05'), 'run-backfill')
    const all = [span('2026-01-01', '2026-01-03'), span('2026-01-03', '2026-01-05'), span('2026-01-05', '2026-01-07')]
    expect((await plan({ restate: true })).get('orders_daily')?.batches).toEqual(all)
    expect((await plan({ fullRefresh: true })).get('orders_daily')?.batches).toEqual(all)
    expect((await plan({ restate: true, resumeRunIds: ['run-backfill'] })).get('orders_daily')?.batches).toEqual([
      span('2026-01-01', '2026-01-03'),
      span('2026-01-05', '2026-01-07'),
    ])
  })
})

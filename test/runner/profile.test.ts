import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { runPipeline } from '../../src/runner/run.js'
import { coveredMs, formatProfile, Profiler } from '../../src/runner/profile.js'
import { openShopWarehouse, testRun } from '../support/fixtures.js'

let adapter: DuckDbAdapter
let graph: CompiledGraph

beforeEach(async () => {
  ;({ adapter, graph } = await openShopWarehouse())
})
afterEach(() => adapter.close())

describe('run --profile', () => {
  it('records every statement with its hash, kind, action, duration and rows', async () => {
    const result = await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01', profile: true })
    expect(result.ok).toBe(true)
    const profile = result.profile
    if (!profile) throw new Error('no profile in the result')
    const kinds = new Set(profile.entries.map((e) => e.kind))
    for (const kind of ['stage', 'write', 'check', 'state', 'introspection']) expect(kinds).toContain(kind)
    for (const entry of profile.entries) {
      expect(entry.hash).toMatch(/^[0-9a-f]{16}$/)
      expect(entry.durationMs).toBeGreaterThanOrEqual(0)
    }
    const stages = profile.entries.filter((e) => e.kind === 'stage')
    expect(new Set(stages.map((e) => e.action))).toContain('orders_daily')
    // The same staging statement runs once per batch: its text (parameters aside) hashes the same.
    expect(new Set(stages.filter((e) => e.action === 'orders_daily').map((e) => e.hash)).size).toBe(1)
    const counted = profile.entries.find((e) => e.kind === 'check' && e.label === 'rows')
    expect(counted?.rows).toBe(1)
    // Bookkeeping is attributed to the action whose results it records.
    expect(profile.entries.some((e) => e.kind === 'state' && e.action === 'orders_daily')).toBe(true)
    expect(profile.byKind.reduce((n, k) => n + k.count, 0)).toBe(profile.entries.length)
    expect(profile.slowest.length).toBeLessThanOrEqual(10)
    expect(profile.slowest[0]?.durationMs).toBe(Math.max(...profile.entries.map((e) => e.durationMs)))
    expect(profile.outsideRealWorkShare).toBeGreaterThanOrEqual(0)
    expect(profile.outsideRealWorkShare).toBeLessThanOrEqual(1)
    expect(formatProfile(profile)).toMatch(/% of the run outside it/)
  })

  it('records nothing without --profile', async () => {
    const result = await runPipeline({ graph, adapter, run: testRun(), today: '2026-02-01' })
    expect(result.profile).toBeUndefined()
  })

  it('counts overlapping real work once', () => {
    const span = (startMs: number, durationMs: number) => ({ startMs, durationMs })
    expect(coveredMs([span(0, 10), span(5, 10), span(30, 5)])).toBe(20)
    expect(coveredMs([span(30, 5), span(0, 100)])).toBe(100)
    expect(coveredMs([])).toBe(0)
  })

  it('attributes statements outside any scope to state, and introspection calls to introspection', async () => {
    const profiler = new Profiler()
    const wrapped = profiler.wrap(adapter)
    await wrapped.query('SELECT 1 AS x')
    await profiler.inScope({ kind: 'stage', action: 'a' }, () =>
      wrapped.describeTable({ dataset: 'raw', name: 'raw_orders' }),
    )
    const [plain, described] = profiler.summary().entries
    expect(plain).toMatchObject({ kind: 'state', action: null, rows: 1, statements: 1 })
    expect(described).toMatchObject({ kind: 'introspection', action: 'a', rows: 3 })
  })
})

/**
 * Incident replays on the generated sample (scripts/seed): the legacy usage-rate bug (I-3) and missing
 * props (I-13) make their assertions fail for exactly the damaged dates and stop what reads the
 * damaged source. The source incidents and I-6 are in incidents-sources.test.ts (split so that the
 * workers run both halves at once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closure, dependentsIndex } from '../../src/core/graph.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { RunResult } from '../../src/runner/result.js'
import { NO_PROPS_DATE, USAGE_MISSING, damage, failedPartitions, gameDates, run, seeded } from './incident-replay.js'
import { projectGraph } from './support.js'

describe('I-3: the usage baseline (avg_usage_rate_last_7_games) never loads for a range of dates', () => {
  let adapter: DuckDbAdapter
  let clean: RunResult
  let damaged: RunResult
  beforeAll(async () => {
    adapter = await seeded()
    clean = await run(adapter, ['upcoming_context_usage_baseline_loaded'], false)
    await damage(adapter, { usageRateMissing: USAGE_MISSING })
    damaged = await run(adapter, ['ml_feature_store_v2'], true, true)
  }, 180_000)
  afterAll(async () => {
    await adapter.close()
  })

  it('passes on the undamaged sample', () => {
    expect(clean.ok).toBe(true)
    expect(failedPartitions(clean, 'upcoming_context_usage_baseline_loaded')).toEqual([])
  })

  it('fails the usage assertions for exactly the damaged dates', async () => {
    const dates = await gameDates(adapter, USAGE_MISSING.from, USAGE_MISSING.to)
    expect(dates.length).toBeGreaterThan(2)
    expect(failedPartitions(damaged, 'upcoming_context_usage_baseline_loaded')).toEqual(dates)
    // usage_spike_score is all NULL on those dates: constant (no variance at all) is an error (A-03b)
    expect(failedPartitions(damaged, 'player_composite_factors.usage_spike_score_not_constant')).toEqual(
      await gameDates(adapter, USAGE_MISSING.from, USAGE_MISSING.to, 20),
    )
  })

  it('publishes nothing of the damaged batch and blocks the feature store and everything that reads it', async () => {
    const composite = damaged.actions.find((a) => a.name === 'player_composite_factors')
    expect(composite?.status).toBe('failed')
    expect(composite?.error?.code).toBe('assertion-failed')
    const [row] = await adapter.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM nba_precompute.player_composite_factors WHERE game_date BETWEEN DATE '${USAGE_MISSING.from}' AND DATE '${USAGE_MISSING.to}'`,
    )
    expect(Number(row?.n)).toBe(0)
    const store = damaged.actions.find((a) => a.name === 'ml_feature_store_v2')
    expect(store?.status).toBe('skipped')
    expect(['player_composite_factors', 'upcoming_context_usage_baseline_loaded']).toContain(store?.skippedBecause)
    // every reader of the store (predictions, grading, their assertions) is skipped too
    const graph = await projectGraph()
    const dependents = dependentsIndex(graph.actions)
    const readers = [...closure(['ml_feature_store_v2'], (n) => dependents.get(n) ?? [])].filter(
      (n) => n !== 'ml_feature_store_v2',
    )
    expect(readers.length).toBeGreaterThan(0)
    for (const name of readers) expect(damaged.actions.find((a) => a.name === name)?.status, name).toBe('skipped')
    // the layers that do not read the usage baseline still build
    expect(damaged.actions.find((a) => a.name === 'player_daily_cache')?.status).toBe('succeeded')
  })
})

describe('I-13: no Vegas lines for a date', () => {
  let adapter: DuckDbAdapter
  let clean: RunResult
  let damaged: RunResult
  beforeAll(async () => {
    adapter = await seeded()
    clean = await run(adapter, ['odds_api_props_present'], false)
    await damage(adapter, { noProps: { from: NO_PROPS_DATE, to: NO_PROPS_DATE } })
    damaged = await run(adapter, ['odds_api_props_present', 'ml_feature_store_v2'], false)
  }, 180_000)
  afterAll(async () => {
    await adapter.close()
  })

  it('passes the sources assertion on the undamaged sample', () => {
    expect(clean.ok).toBe(true)
    expect(failedPartitions(clean, 'odds_api_props_present')).toEqual([])
  })

  it('fails the sources assertion for exactly that date and skips the feature store', async () => {
    const [slate] = await adapter.query<{ games: number }>(
      `SELECT COUNT(*) AS games FROM nba_reference.nba_schedule WHERE game_date = DATE '${NO_PROPS_DATE}'`,
    )
    expect(Number(slate?.games)).toBeGreaterThanOrEqual(4)
    expect(failedPartitions(damaged, 'odds_api_props_present')).toEqual([NO_PROPS_DATE])
    const store = damaged.actions.find((a) => a.name === 'ml_feature_store_v2')
    expect(store).toMatchObject({ status: 'skipped', skippedBecause: 'odds_api_props_present' })
  })
})

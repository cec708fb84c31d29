/**
 * I-14 replayed: the feature version was bumped with a partial backfill. With everything published
 * through 2024-12-08 and the store of 2024-12-09 written by the daily run (v2_33features), code whose
 * version is bumped to v2_37features (its own accepted version bumped with it) restates 2024-12-09
 * for about 95% of the players only. A-14a (one feature_version per date) fails on 2024-12-09 with 2
 * versions, so the predictions and grading of that date are never written: no model reads a mixed
 * date. The reverted code restates the date and it publishes.
 *
 * Tried: with A-14a removed (assertions/feature-store.ts), the predictions of 2024-12-09 are written
 * from both versions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mlFeatureStoreV2 } from '../../definitions/features/ml-feature-store-v2.js'
import { incremental, raw, sql } from '../../src/index.js'
import type { RunResult } from '../../src/runner/result.js'
import type { Replay } from './support.js'
import {
  DAMAGE_FROM,
  FS,
  WHOLE_PIPELINE,
  compileReal,
  countBetween,
  expectNamed,
  expectNothingPublishedChanged,
  failedDates,
  failures,
  notSucceeded,
  publishedSample,
  run,
  statusOf,
} from './support.js'

const CHECK = 'feature_store_one_version.one_feature_version'

if (mlFeatureStoreV2.kind !== 'incremental') throw new Error('ml_feature_store_v2 is not an incremental definition')
const { kind: _kind, query, assertions, ...config } = mlFeatureStoreV2

/** The bumped code: same store, version v2_37features, accepted as such by its own audit; run for ~95% of the roster. */
const bumpedPartialBackfill = incremental({
  ...config,
  assertions: {
    ...assertions,
    acceptedValues: {
      ...assertions?.acceptedValues,
      feature_version: { values: ['v2_37features'], allowNull: false },
    },
  },
  query: (ctx) => sql`SELECT * REPLACE ('v2_37features' AS feature_version, CAST(37 AS BIGINT) AS feature_count)
FROM (${query(ctx)}) AS real_query WHERE ${raw('hash(player_lookup) % 20 <> 0')}`,
})

let replay: Replay
let damaged: RunResult
let daily: number

beforeAll(async () => {
  replay = await publishedSample()
  const store = await run(replay.healthy, replay.adapter, {
    selection: { actions: ['ml_feature_store_v2'], includeDeps: true },
    from: DAMAGE_FROM,
    to: DAMAGE_FROM,
  })
  expect(notSucceeded(store)).toEqual([])
  daily = await countBetween(replay.adapter, FS, DAMAGE_FROM, DAMAGE_FROM)
  const bumped = await compileReal('duckdb', [bumpedPartialBackfill])
  const backfill = await run(bumped, replay.adapter, {
    selection: { actions: ['ml_feature_store_v2'] },
    from: DAMAGE_FROM,
    to: DAMAGE_FROM,
    restate: true,
  })
  expect(statusOf(backfill, 'ml_feature_store_v2')).toBe('succeeded')
  damaged = await run(replay.healthy, replay.adapter, { selection: WHOLE_PIPELINE, from: DAMAGE_FROM, to: DAMAGE_FROM })
}, 240_000)
afterAll(async () => replay.adapter.close())

describe('I-14: a feature version bumped with a partial backfill', () => {
  it('leaves the date with two versions, and A-14a fails on it before any prediction reads it', async () => {
    const versions = await replay.adapter.query<{ v: string; n: bigint }>(
      `SELECT feature_version AS v, COUNT(*) AS n FROM ${FS} WHERE game_date = DATE '${DAMAGE_FROM}' GROUP BY 1 ORDER BY 1`,
    )
    expect(versions.map((r) => r.v)).toEqual(['v2_33features', 'v2_37features'])
    expect(versions.reduce((n, r) => n + Number(r.n), 0)).toBe(daily)
    expect(failedDates(damaged, CHECK)).toEqual([DAMAGE_FROM])
    expectNamed(failures(damaged, CHECK)[0], CHECK, /2 distinct/)
    console.log(`I-14 replay: ${failures(damaged, CHECK)[0]?.message}`)
    expect(statusOf(damaged, 'player_prop_predictions')).toBe('skipped')
  })

  it('writes no prediction or grade of the date and changes nothing published before it', async () => {
    await expectNothingPublishedChanged(replay, damaged)
  })

  it('publishes the date once the reverted code restates it', async () => {
    const restated = await run(replay.healthy, replay.adapter, {
      selection: { actions: ['ml_feature_store_v2'] },
      from: DAMAGE_FROM,
      to: DAMAGE_FROM,
      restate: true,
    })
    expect(notSucceeded(restated)).toEqual([])
    const rest = await run(replay.healthy, replay.adapter, {
      selection: WHOLE_PIPELINE,
      from: DAMAGE_FROM,
      to: DAMAGE_FROM,
    })
    expect(notSucceeded(rest)).toEqual([])
    expect(failedDates(rest, CHECK)).toEqual([])
    expect(
      await countBetween(replay.adapter, 'nba_predictions.player_prop_predictions', DAMAGE_FROM, DAMAGE_FROM),
    ).toBeGreaterThan(100)
  })
})

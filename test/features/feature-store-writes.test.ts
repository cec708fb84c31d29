import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runPipeline } from '../../src/runner/run.js'
import { testRun } from '../support/fixtures.js'
import { D1, D2, E } from '../fixtures/features/hand-made.js'
import { FEATURE_CATALOG } from '../../includes/feature-catalog.js'
import { expectedFeatures, roster } from './reference.js'
import { differs, projectGraph, rowsByKey, runFixture } from './support.js'
import type { FixtureRun } from './support.js'

const STORE = 'nba_predictions.ml_feature_store_v2'
const keysOn = async (fx: FixtureRun, date: string) =>
  (
    await fx.adapter.query<{ player_lookup: string }>(
      `SELECT player_lookup FROM ${STORE} WHERE game_date = DATE '${date}' ORDER BY 1`,
    )
  ).map((r) => r.player_lookup)

describe('the feature store in backfill mode', () => {
  let fx: FixtureRun
  beforeAll(async () => {
    fx = await runFixture({ mode: 'backfill' })
  })
  afterAll(async () => {
    await fx.adapter.close()
  })

  it('takes the roster from the box scores of D (DNPs included), and from the context when D has none yet', async () => {
    expect(fx.result.ok).toBe(true)
    expect(await keysOn(fx, D1)).toEqual(roster(fx.fixture, D1, 'backfill').map((e) => e.player))
    expect(await keysOn(fx, D1)).toEqual(['benchguy', 'bpshooter', 'deepbench', 'newarrival', 'rookiekid', 'vetplayer'])
    // rookiekid is in E's context but has no box score on E; bpshooter has one (BBB played) but no context row
    expect(await keysOn(fx, E)).toEqual(['benchguy', 'bpshooter', 'vetplayer'])
    expect(await keysOn(fx, D2)).toEqual(roster(fx.fixture, D2, 'daily').map((e) => e.player)) // no box scores for D2 yet
  })

  it('computes the features of context-less rows from the schedule and the box scores, as the reference does', async () => {
    const rows = await rowsByKey(fx.adapter, `SELECT *, CAST(game_date AS VARCHAR) AS game_date FROM ${STORE}`)
    const problems: string[] = []
    for (const date of [D1, D2]) {
      for (const entry of roster(fx.fixture, date, 'backfill')) {
        const expected = expectedFeatures(fx.fixture, entry)
        const actual = rows.get(`${entry.player}|${date}`) ?? {}
        for (const feature of FEATURE_CATALOG) {
          const problem = differs(actual[feature.name], expected[feature.name] ?? null)
          if (problem) problems.push(`${entry.player} ${date} ${feature.name}: ${problem}`)
        }
      }
    }
    expect(problems).toEqual([])
    // deepbench (DNP on D1) has no context row: no listed status (injury_risk NULL), rest days from the schedule, his history counts
    const deep = rows.get(`deepbench|${D1}`) ?? {}
    expect(deep.injury_risk).toBeNull()
    expect(deep.rest_advantage).not.toBeNull()
    expect(deep.points_avg_last_5).not.toBeNull()
  })

  it('records the mode on every row and in the precompute tables', async () => {
    expect(await fx.adapter.query(`SELECT DISTINCT feature_source_mode FROM ${STORE}`)).toEqual([
      { feature_source_mode: 'backfill' },
    ])
    expect(
      await fx.adapter.query('SELECT DISTINCT feature_source_mode FROM nba_precompute.player_composite_factors'),
    ).toEqual([{ feature_source_mode: 'backfill' }])
  })
})

describe('rebuilding dates of the feature store', () => {
  let fx: FixtureRun
  beforeAll(async () => {
    fx = await runFixture()
  })
  afterAll(async () => {
    await fx.adapter.close()
  })

  it('merges on (player_lookup, game_date): same rows, new run and build, first created_at kept, updated_at moved', async () => {
    const before = await rowsByKey(
      fx.adapter,
      `SELECT player_lookup, CAST(game_date AS VARCHAR) AS game_date, created_at, updated_at, run_id FROM ${STORE}`,
    )
    const second = testRun({ startedAt: '2025-01-05T08:00:00.000Z', buildCommitSha: 'b'.repeat(40) })
    const result = await runPipeline({
      graph: await projectGraph(),
      adapter: fx.adapter,
      run: second,
      today: '2024-12-31',
      runsDir: null,
      from: D1,
      to: D1,
      restate: true,
      selection: { actions: ['ml_feature_store_v2'] },
      skipAssertions: true,
    })
    expect(result.ok).toBe(true)
    const after = await rowsByKey(
      fx.adapter,
      `SELECT player_lookup, CAST(game_date AS VARCHAR) AS game_date, created_at, updated_at, run_id, build_commit_sha FROM ${STORE}`,
    )
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort())
    for (const [key, row] of after) {
      const old = before.get(key)
      expect(row.created_at, key).toEqual(old?.created_at)
      if (key.endsWith(D1))
        expect(row).toMatchObject({ run_id: second.id, build_commit_sha: 'b'.repeat(40), updated_at: second.startedAt })
      else expect(row.run_id, key).toBe(old?.run_id)
    }
  })
})

describe('auditing the feature store before it is published', () => {
  let fx: FixtureRun
  beforeAll(async () => {
    // the fixture's BBB plays 6 games in the 7 days before D1: bpshooter's games_in_last_7_days is out of the catalog range
    fx = await runFixture({ auditStoreOnly: true })
  })
  afterAll(async () => {
    await fx.adapter.close()
  })

  it('refuses the batch with an out-of-range feature and keeps what was published before', async () => {
    const store = fx.result.actions.find((a) => a.name === 'ml_feature_store_v2')
    expect(store?.status).toBe('failed')
    expect(store?.error?.code).toBe('assertion-failed')
    const failed = store?.checks
      .filter((c) => !c.passed && c.severity === 'error')
      .map((c) => `${c.assertion} ${c.partition}`)
    expect(failed).toEqual([`ml_feature_store_v2.games_in_last_7_days_range ${D1}`])
    expect(await keysOn(fx, D1)).toEqual([])
    expect(await keysOn(fx, E)).toEqual(roster(fx.fixture, E, 'daily').map((e) => e.player))
    // its readers never ran
    expect(fx.result.actions.find((a) => a.name === 'feature_store_points_avg_no_leak')).toMatchObject({
      status: 'skipped',
      skippedBecause: 'ml_feature_store_v2',
    })
  })

  it('passes the other checks of the batch: ranges, lines, tracking, one version, the roster count', () => {
    const store = fx.result.actions.find((a) => a.name === 'ml_feature_store_v2')
    const names = new Set(store?.checks.filter((c) => c.passed).map((c) => c.assertion))
    for (const check of [
      'has_vegas_line_matches_line',
      'vegas_line_source_matches_line',
      'vegas_lines_positive',
      'roster_row_count',
      'unique_key',
      'fatigue_score_range',
      'early_season_rows_withheld',
    ]) {
      expect(names.has(`ml_feature_store_v2.${check}`), check).toBe(true)
    }
  })
})

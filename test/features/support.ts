/** Shared helpers of the feature tests: the real project compiled once, the hand-made fixture run through it. */
import { loadProject } from '../../src/compiler/load.js'
import { compileProject } from '../../src/compiler/compile.js'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { runPipeline } from '../../src/runner/run.js'
import type { RunResult } from '../../src/runner/result.js'
import type { RunInfo } from '../../src/runner/run-info.js'
import type { SelectionOptions } from '../../src/core/selection.js'
import { buildFixture } from '../fixtures/features/hand-made.js'
import type { FeatureFixture } from '../fixtures/features/hand-made.js'
import { loadFixture } from '../fixtures/features/load.js'
import { memoryAdapter, REPO_ROOT, testRun } from '../support/fixtures.js'
import { withoutRemovedChecks } from '../support/removed-checks.js'

let compiled: Promise<CompiledGraph> | undefined

/** The precompute layer the feature store reads. */
const PRECOMPUTE_ACTIONS = [
  'player_daily_cache',
  'player_composite_factors',
  'player_shot_zone_analysis',
  'team_defense_zone_analysis',
]

/**
 * The project's own definitions/ and assertions/, compiled for DuckDB (once per test file), without the
 * checks PIPELINE_TEST_REMOVE_CHECKS names (test/support/removed-checks.ts; unset in a normal run).
 */
export function projectGraph(): Promise<CompiledGraph> {
  compiled ??= loadProject(REPO_ROOT).then((loaded) => withoutRemovedChecks(compileProject(loaded, duckDbDialect)))
  return compiled
}

export interface FixtureRun {
  readonly adapter: DuckDbAdapter
  readonly fixture: FeatureFixture
  readonly run: RunInfo
  readonly result: RunResult
}

/** A :memory: warehouse holding the hand-made fixture, with the feature store and its upstreams built in `mode`. */
export async function runFixture(
  options: { mode?: 'daily' | 'backfill'; skipAssertions?: boolean; auditStoreOnly?: boolean } = {},
): Promise<FixtureRun> {
  const adapter = await memoryAdapter()
  const fixture = buildFixture()
  await loadFixture(adapter, fixture)
  const run = testRun({ mode: options.mode ?? 'daily' })
  const graph = await projectGraph()
  const build = (runInfo: RunInfo, selection: SelectionOptions, skipAssertions: boolean) =>
    runPipeline({ graph, adapter, run: runInfo, today: '2024-12-31', runsDir: null, selection, skipAssertions })
  if (options.auditStoreOnly) {
    // The hand-made sources do not follow a full schedule, so the per-source integrity checks would
    // stop the build at the root: build the precompute layer unchecked, then audit the store alone.
    const precompute = testRun({ mode: options.mode ?? 'daily', startedAt: '2025-01-01T07:00:00.000Z' })
    await build(precompute, { actions: PRECOMPUTE_ACTIONS, includeDeps: true }, true)
    const result = await build(run, { actions: ['ml_feature_store_v2'] }, false)
    return { adapter, fixture, run, result }
  }
  const result = await build(
    run,
    { actions: ['ml_feature_store_v2'], includeDeps: true },
    options.skipAssertions ?? true,
  )
  return { adapter, fixture, run, result }
}

export type Row = Record<string, unknown>

/** Rows keyed by `player|date`. */
export async function rowsByKey(adapter: DuckDbAdapter, sql: string): Promise<Map<string, Row>> {
  const rows = await adapter.query<Row>(sql)
  return new Map(rows.map((r) => [`${String(r.player_lookup)}|${String(r.game_date)}`, r]))
}

/** A SQL value as a number (DECIMAL and BIGINT arrive as strings or bigints), NULL as null. */
export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null
  return Number(value)
}

/** Equal as features: both NULL, or within 1e-9. Returns a message for the first difference, else null. */
export function differs(actual: unknown, expected: number | null, tolerance = 1e-9): string | null {
  const a = num(actual)
  if (a === null || expected === null) return a === expected ? null : `got ${a}, expected ${expected}`
  return Math.abs(a - expected) <= tolerance ? null : `got ${a}, expected ${expected}`
}

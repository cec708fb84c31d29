/**
 * Shared by the incident replays on the generated sample (incidents.test.ts, incidents-sources.test.ts,
 * incident-i4.test.ts): one short season (through 2024-12-31) per scenario, incidents applied with the seed's
 * own injectors.
 */
import { applyIncidents, seedWarehouse } from '../../scripts/seed/index.js'
import type { SeedIncidents } from '../../scripts/seed/index.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { runPipeline } from '../../src/runner/run.js'
import type { RunResult } from '../../src/runner/result.js'
import { testRun } from '../support/fixtures.js'
import { openTemplateCopy } from '../support/template.js'
import { PUBLISHED_TO, publishedWarehouse } from '../incidents/support.js'
import { projectGraph } from './support.js'

export const THROUGH = '2024-12-31'
export const USAGE_MISSING = { from: '2024-12-10', to: '2024-12-14' }
export const NO_PROPS_DATE = '2024-12-11'

/**
 * A private copy of the generated sources (seed 42, one season through THROUGH; nothing migrated or built),
 * seeded once per test run (test/support/template.ts).
 */
export function seeded(): Promise<DuckDbAdapter> {
  return openTemplateCopy('replay-seeded', (adapter) =>
    adapter.withConnection(async (c) => {
      await seedWarehouse(c, { seasons: 1, seed: 42, through: THROUGH })
    }),
  )
}

/**
 * A private copy of the same sources migrated and built by healthy code through PUBLISHED_TO (2024-12-08),
 * the template the incident replays of test/incidents share, opened. A run of the feature store then builds
 * the dates after it, so damage from 2024-12-09 on is judged without building the weeks before it again
 * (their checks passed when the template was built).
 */
export async function builtSample(): Promise<DuckDbAdapter> {
  return DuckDbAdapter.open({ path: await publishedWarehouse() })
}
export { PUBLISHED_TO }

export async function damage(adapter: DuckDbAdapter, incidents: SeedIncidents): Promise<void> {
  await adapter.withConnection((c) => applyIncidents(c, incidents))
}

/** A run of healthy code; `to` bounds it to the dates a test judges (default: everything missing). */
export async function run(
  adapter: DuckDbAdapter,
  actions: string[],
  includeDeps: boolean,
  includeDependents = false,
  to?: string,
): Promise<RunResult> {
  return runPipeline({
    graph: await projectGraph(),
    adapter,
    run: testRun(),
    today: '2025-01-15',
    runsDir: null,
    selection: { actions, includeDeps, includeDependents },
    ...(to ? { to } : {}),
  })
}

export function failedPartitions(result: RunResult, check: string): string[] {
  return result.actions
    .flatMap((a) => a.checks)
    .filter((c) => c.assertion === check && !c.passed && c.severity === 'error')
    .map((c) => String(c.partition))
    .sort()
}

export async function gameDates(adapter: DuckDbAdapter, from: string, to: string, minPlayers = 1): Promise<string[]> {
  const rows = await adapter.query<{
    d: string
  }>(`SELECT CAST(game_date AS VARCHAR) AS d FROM nba_analytics.upcoming_player_game_context
    WHERE game_date BETWEEN DATE '${from}' AND DATE '${to}' GROUP BY game_date HAVING COUNT(DISTINCT player_lookup) >= ${minPlayers} ORDER BY 1`)
  return rows.map((r) => r.d)
}

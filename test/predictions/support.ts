import { loadProject } from '../../src/compiler/load.js'
import type { LoadedProject } from '../../src/compiler/load.js'
import { compileProject } from '../../src/compiler/compile.js'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { ActionDefinition, InvalidAction } from '../../src/compiler/definitions.js'
import { bigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import type { EngineId } from '../../src/engines/dialect.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { applyMigrations } from '../../src/migrate/index.js'
import { runPipeline } from '../../src/runner/run.js'
import type { RunOptions } from '../../src/runner/run.js'
import type { RunResult } from '../../src/runner/result.js'
import { seedWarehouse } from '../../scripts/seed/index.js'
import type { SeedOptions } from '../../scripts/seed/index.js'
import { REPO_ROOT, testRun } from '../support/fixtures.js'
import { templateCopy } from '../support/template.js'
import { withoutRemovedChecks } from '../support/removed-checks.js'
import { I1_RANGE } from '../fixtures/predictions/incident-i1.js'

export const SHA_A = 'a'.repeat(40)
export const SHA_B = 'b'.repeat(40)
export const SHA_C = 'c'.repeat(40)

let loaded: Promise<LoadedProject> | undefined
/** The real project (definitions/, assertions/, includes/), loaded once per test file. */
export function loadRealProject(): Promise<LoadedProject> {
  loaded ??= loadProject(REPO_ROOT)
  return loaded
}

/**
 * Compile the real project, optionally replacing definitions by name (incident replays), without the
 * checks PIPELINE_TEST_REMOVE_CHECKS names (test/support/removed-checks.ts; unset in a normal run).
 */
export async function compileReal(
  engine: EngineId = 'duckdb',
  replace: readonly (ActionDefinition | InvalidAction)[] = [],
): Promise<CompiledGraph> {
  const project = await loadRealProject()
  const byName = new Map(replace.map((d) => [d.name, d]))
  const definitions = project.definitions.map((d) => {
    const replacement = d.definition.kind === 'invalid' ? undefined : byName.get(d.definition.name)
    return replacement ? { ...d, definition: replacement } : d
  })
  const graph = compileProject({ ...project, definitions }, engine === 'duckdb' ? duckDbDialect : bigQueryDialect)
  return withoutRemovedChecks(graph)
}

export async function migrate(adapter: DuckDbAdapter): Promise<void> {
  await applyMigrations(adapter, { root: REPO_ROOT, stateDataset: 'pipeline_state', buildCommitSha: 'test-sha' })
}

export async function seed(adapter: DuckDbAdapter, options: Partial<SeedOptions>): Promise<void> {
  await adapter.withConnection((connection) => seedWarehouse(connection, options))
}

/** Upstream of the predictions (sources, precompute, feature store). */
export const UPSTREAM = ['ml_feature_store_v2']
export const OURS = ['player_prop_predictions', 'prediction_accuracy']

/** `sha` is the run's build commit (default SHA_A); `id` its run id (default: the next `run-N` of this process). */
type RunArgs = Omit<RunOptions, 'graph' | 'adapter' | 'run'> & { sha?: string; id?: string }

export function run(graph: CompiledGraph, adapter: DuckDbAdapter, args: RunArgs = {}): Promise<RunResult> {
  const { sha, id, ...rest } = args
  const info = testRun({ buildCommitSha: sha ?? SHA_A, ...(id ? { id } : {}) })
  return runPipeline({ graph, adapter, run: info, runsDir: null, ...rest })
}

export function action(result: RunResult, name: string) {
  const found = result.actions.find((a) => a.name === name)
  if (!found) throw new Error(`no action ${name} in the run`)
  return found
}

/** Rows with BIGINT/DECIMAL as numbers. */
export async function rows<T = Record<string, unknown>>(adapter: DuckDbAdapter, sql: string): Promise<T[]> {
  const result = await adapter.query(sql)
  return result.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
  ) as T[]
}

/** The last date the I-1 replays' sample (i1Warehouse) has predictions and grades of: the day before the I-1 range. */
export const I1_PREDICTED_TO = '2026-01-08'

/**
 * The I-1 replays' sample (predictions/incident-i1, predictions-e2e, runner/monitors, runner/forced-feature), a
 * private copy each call as a warehouse file: the 2025-26
 * season seeded through the end of the I-1 range; sources, precompute and the feature store built from
 * 2025-10-01 with their assertions skipped (their own suites check them), then the predictions and grading of
 * healthy code (SHA_A) with every assertion through 2026-01-08, the day before the range.
 */
export function i1Warehouse(): Promise<string> {
  return templateCopy('i1-before', async (adapter) => {
    const graph = await compileReal()
    await migrate(adapter)
    await seed(adapter, { seasons: 1, through: I1_RANGE.to })
    const upstream = await run(graph, adapter, {
      selection: { actions: UPSTREAM, includeDeps: true },
      skipAssertions: true,
      reason: 'upstream of the replay; its own suite checks it',
      from: '2025-10-01',
      id: 'template-i1-upstream',
    })
    if (!upstream.ok) throw new Error(`I-1 sample: the upstream build failed: ${failedNames(upstream)}`)
    const before = await run(graph, adapter, {
      selection: { actions: OURS },
      from: '2025-10-01',
      to: I1_PREDICTED_TO,
      sha: SHA_A,
      id: 'template-i1-before',
    })
    if (!before.ok) throw new Error(`I-1 sample: the healthy predictions failed: ${failedNames(before)}`)
  })
}

/** A private copy of the I-1 replays' sample (i1Warehouse), opened. */
export async function i1Sample(): Promise<DuckDbAdapter> {
  return DuckDbAdapter.open({ path: await i1Warehouse() })
}

function failedNames(result: RunResult): string {
  return result.actions
    .filter((a) => a.status !== 'succeeded')
    .map((a) => `${a.name}: ${a.status} (${a.error?.message ?? a.skippedBecause ?? ''})`)
    .join('; ')
}

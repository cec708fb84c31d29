/**
 * Shared helpers of the incident replays (DOMAIN §7): one short generated season (seed 42, through
 * 2024-12-31), the real project compiled with a definition replaced or patched (a code bug), the
 * failing checks of a run, and a fingerprint of what is published (to show nothing changed).
 */
import { expect } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { ActionDefinition, InvalidAction } from '../../src/compiler/definitions.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { incremental, raw, sql, SqlFragment } from '../../src/index.js'
import type { ActionContext } from '../../src/index.js'
import type { CheckResult, RunResult } from '../../src/runner/result.js'
import { templateCopy } from '../support/template.js'
import { compileReal, migrate, run, seed } from '../predictions/support.js'

export { compileReal, run, rows, action, SHA_A, SHA_B, SHA_C } from '../predictions/support.js'

/** The replays' sample: season 2024-25 from its first game through this date. */
export const THROUGH = '2024-12-31'
/** The dates published by healthy code before the incident (the feature store's first batch and more). */
export const PUBLISHED_TO = '2024-12-08'
/** The first date the incident damages. */
export const DAMAGE_FROM = '2024-12-09'

export const FS = 'nba_predictions.ml_feature_store_v2'
export const PPP = 'nba_predictions.player_prop_predictions'
export const PA = 'nba_predictions.prediction_accuracy'

/** Everything that ends in predictions and grading, with its upstreams. */
export const WHOLE_PIPELINE = { actions: ['player_prop_predictions', 'prediction_accuracy'], includeDeps: true }

/** What `incremental()` returns: the definition, or the reason it is invalid (compile reports it). */
type Incremental = ActionDefinition | InvalidAction

/**
 * A copy of a real incremental definition whose query text has `from` replaced by `to`: the code bug
 * of an incident as a one-token change. Throws unless `from` occurs exactly `times` times, so the
 * replay breaks loudly when the real code changes shape.
 */
export function patchQuery(definition: Incremental, from: string, to: string, times = 1): Incremental {
  if (definition.kind !== 'incremental') throw new Error(`${definition.name} is not an incremental definition`)
  const { kind: _kind, query, ...config } = definition
  return incremental({
    ...config,
    query: (ctx: ActionContext) => {
      const fragment = query(ctx)
      let found = 0
      const nodes = fragment.nodes.map((node) => {
        if (node.kind !== 'text') return node
        const parts = node.text.split(from)
        found += parts.length - 1
        return { ...node, text: parts.join(to) }
      })
      if (found !== times) throw new Error(`${definition.name}: expected "${from}" ${times} time(s), found ${found}`)
      return new SqlFragment(nodes)
    },
  })
}

/** The error-severity failures of a check (by its full or short name), sorted by date. */
export function failures(result: RunResult, check: string): CheckResult[] {
  return result.actions
    .flatMap((a) => a.checks)
    .filter((c) => (c.assertion === check || c.assertion.endsWith(`.${check}`)) && !c.passed && !c.skipped)
    .filter((c) => c.severity === 'error')
    .sort((a, b) => String(a.partition).localeCompare(String(b.partition)))
}

/** Dates (partitions) an error-severity check failed on. */
export function failedDates(result: RunResult, check: string): string[] {
  return failures(result, check).map((c) => String(c.partition))
}

/** Actions of a run that did not succeed, as `name: status (why)`. */
export function notSucceeded(result: RunResult): string[] {
  return result.actions
    .filter((a) => a.status !== 'succeeded')
    .map((a) => `${a.name}: ${a.status} (${a.error?.message ?? a.skippedBecause ?? ''})`)
}

export function statusOf(result: RunResult, name: string): string | undefined {
  return result.actions.find((a) => a.name === name)?.status
}

/**
 * The published rows of a table as one fingerprint per date: row count and an order-free hash of
 * every column, so "nothing published changed" is a comparison of two maps.
 */
export async function fingerprint(
  adapter: DuckDbAdapter,
  table: string,
  dateColumn = 'game_date',
): Promise<Map<string, string>> {
  const found = await adapter.query<{ d: string; n: bigint; h: bigint | null }>(
    `SELECT CAST(${dateColumn} AS VARCHAR) AS d, COUNT(*) AS n, BIT_XOR(hash(t)) AS h FROM ${table} t GROUP BY 1 ORDER BY 1`,
  )
  return new Map(found.map((r) => [r.d, `${String(r.n)}:${String(r.h)}`]))
}

/** Rows of a table dated within [from, to]. */
export async function countBetween(adapter: DuckDbAdapter, table: string, from: string, to: string): Promise<number> {
  const [row] = await adapter.query<{ n: bigint }>(
    `SELECT COUNT(*) AS n FROM ${table} WHERE game_date BETWEEN DATE '${from}' AND DATE '${to}'`,
  )
  return Number(row?.n ?? 0)
}

/** The failure's message names the check and the date and carries the observed value. */
export function expectNamed(failure: CheckResult | undefined, check: string, observed: RegExp): void {
  expect(failure, `${check} did not fail`).toBeDefined()
  expect(failure?.message).toContain(check)
  expect(failure?.message).toContain(`on ${String(failure?.partition)}`)
  expect(failure?.message).toMatch(observed)
}

/**
 * A copy of a real incremental definition with some output columns replaced by SQL over the real
 * query's columns (DuckDB's `SELECT * REPLACE`): a wrong value written by otherwise real code.
 */
export function replaceColumns(definition: Incremental, columns: Readonly<Record<string, string>>): Incremental {
  if (definition.kind !== 'incremental') throw new Error(`${definition.name} is not an incremental definition`)
  const { kind: _kind, query, ...config } = definition
  const replaced = Object.entries(columns)
    .map(([name, expression]) => `${expression} AS ${name}`)
    .join(', ')
  return incremental({
    ...config,
    query: (ctx: ActionContext) => sql`SELECT * REPLACE (${raw(replaced)}) FROM (${query(ctx)}) AS real_query`,
  })
}

export interface Replay {
  readonly adapter: DuckDbAdapter
  readonly healthy: CompiledGraph
  /** Fingerprints of the feature store and the predictions after the healthy run. */
  readonly published: { readonly fs: Map<string, string>; readonly ppp: Map<string, string> }
}

/**
 * A private copy of the replays' sample as a warehouse file: migrated, the generated sources seeded, and
 * everything built by healthy code (SHA_A) through PUBLISHED_TO, predictions and grading included. Built once
 * per test run (test/support/template.ts).
 */
export function publishedWarehouse(): Promise<string> {
  return templateCopy('replay-published', async (adapter) => {
    await migrate(adapter)
    await seed(adapter, { seasons: 1, seed: 42, through: THROUGH })
    const healthy = await compileReal()
    const before = await run(healthy, adapter, {
      selection: WHOLE_PIPELINE,
      to: PUBLISHED_TO,
      id: 'template-published',
    })
    const failed = notSucceeded(before)
    if (failed.length) throw new Error(`The replays' sample: the healthy build failed: ${failed.join('; ')}`)
  })
}

/** The sample built by healthy code through PUBLISHED_TO (predictions and grading included), opened. */
export async function publishedSample(): Promise<Replay> {
  const adapter = await DuckDbAdapter.open({ path: await publishedWarehouse() })
  const healthy = await compileReal()
  return { adapter, healthy, published: { fs: await fingerprint(adapter, FS), ppp: await fingerprint(adapter, PPP) } }
}

/** Predictions and grades of the damaged dates are absent, and every date published before is unchanged. */
export async function expectNothingPublishedChanged(replay: Replay, damaged: RunResult): Promise<void> {
  expect(statusOf(damaged, 'player_prop_predictions')).not.toBe('succeeded')
  expect(statusOf(damaged, 'prediction_accuracy')).not.toBe('succeeded')
  expect(await countBetween(replay.adapter, PPP, DAMAGE_FROM, THROUGH)).toBe(0)
  expect(await countBetween(replay.adapter, PA, DAMAGE_FROM, THROUGH)).toBe(0)
  const fs = await fingerprint(replay.adapter, FS)
  for (const [date, print] of replay.published.fs) expect(fs.get(date), `${FS} ${date}`).toBe(print)
  expect(await fingerprint(replay.adapter, PPP)).toEqual(replay.published.ppp)
}

/** Healthy code restates `actions` from DAMAGE_FROM, then builds the rest; both succeed and the dates publish. */
export async function expectRepairPublishes(replay: Replay, actions: readonly string[]): Promise<RunResult> {
  const restated = await run(replay.healthy, replay.adapter, {
    selection: { actions: [...actions] },
    from: DAMAGE_FROM,
    restate: true,
  })
  expect(notSucceeded(restated)).toEqual([])
  const rest = await run(replay.healthy, replay.adapter, { selection: WHOLE_PIPELINE, from: DAMAGE_FROM })
  expect(notSucceeded(rest)).toEqual([])
  expect(await countBetween(replay.adapter, PPP, DAMAGE_FROM, THROUGH)).toBeGreaterThan(1000)
  return rest
}

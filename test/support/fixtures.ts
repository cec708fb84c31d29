import { fileURLToPath } from 'node:url'
import { loadProject } from '../../src/compiler/load.js'
import { compileProject } from '../../src/compiler/compile.js'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import { bigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import type { EngineId } from '../../src/engines/dialect.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { createRunInfo } from '../../src/runner/run-info.js'
import type { RunInfo } from '../../src/runner/run-info.js'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
}

/** Compile a fixture project under test/fixtures/<name> for an engine. */
export async function compileFixture(name: string, engine: EngineId = 'duckdb'): Promise<CompiledGraph> {
  return compileProject(await loadProject(fixturePath(name)), engine === 'duckdb' ? duckDbDialect : bigQueryDialect)
}

export function memoryAdapter(): Promise<DuckDbAdapter> {
  return DuckDbAdapter.open({ path: ':memory:' })
}

/** The shop fixture's two sources: two customers and three orders over three days. */
export const SHOP_SOURCES_SQL = `CREATE SCHEMA raw;
    CREATE TABLE raw.raw_customers AS SELECT * FROM (VALUES (1, 'fr'), (2, 'us')) t(customer_id, country);
    CREATE TABLE raw.raw_orders AS SELECT * FROM (VALUES
      (DATE '2026-01-01', 1, 10.0), (DATE '2026-01-02', 2, 5.0), (DATE '2026-01-03', 1, 7.5)) t(order_date, customer_id, amount)`

/** A new in-memory warehouse holding the shop fixture's sources, and the shop fixture compiled for DuckDB. */
export async function openShopWarehouse(): Promise<{ adapter: DuckDbAdapter; graph: CompiledGraph }> {
  const adapter = await memoryAdapter()
  await adapter.execute(SHOP_SOURCES_SQL)
  return { adapter, graph: await compileFixture('shop') }
}

let counter = 0
/** A run with fixed, injected identity so results are predictable. */
export function testRun(overrides: Partial<RunInfo> = {}): RunInfo {
  counter++
  return {
    ...createRunInfo({ root: REPO_ROOT, env: { BUILD_COMMIT_SHA: 'a'.repeat(40) }, id: `run-${counter}` }),
    ...overrides,
  }
}

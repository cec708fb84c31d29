import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { Adapter } from '../../src/engines/adapter.js'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures')

/** A fresh temp folder; removed by the returned cleanup. */
export async function tempDir(prefix = 'pipeline-migrate-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** Copy test/fixtures/<name> into a temp project root (so tests may edit its migrations). */
export async function copyFixture(name: string): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await tempDir()
  await cp(join(FIXTURES, name), dir, { recursive: true })
  return { root: dir, cleanup }
}

export function openMemory(): Promise<DuckDbAdapter> {
  return DuckDbAdapter.open({ path: ':memory:' })
}

/** An adapter that forwards to `adapter`, with some members replaced. */
export function delegate(adapter: Adapter, overrides: Partial<Adapter> = {}): Adapter {
  return {
    engine: adapter.engine,
    dialect: adapter.dialect,
    execute: (sql, options) => adapter.execute(sql, options),
    query: (sql, options) => adapter.query(sql, options),
    transaction: (statements) => adapter.transaction(statements),
    copyTable: (from, to, options) => adapter.copyTable(from, to, options),
    estimateBytes: (sql, options) => adapter.estimateBytes(sql, options),
    tableExists: (target) => adapter.tableExists(target),
    describeTable: (target) => adapter.describeTable(target),
    describeQuery: (sql, options) => adapter.describeQuery(sql, options),
    close: () => adapter.close(),
    ...overrides,
  }
}

/** The same DuckDB connection pool, but reporting an engine without transactional DDL (BigQuery's behaviour). */
export function withoutTransactionalDdl(
  adapter: Adapter,
  hooks: { beforeExecute?: (sql: string) => void } = {},
): Adapter {
  const dialect = Object.freeze({
    ...adapter.dialect,
    capabilities: { ...adapter.dialect.capabilities, supportsTransactionalDdl: false },
  })
  return delegate(adapter, {
    dialect,
    execute: (sql, options) => {
      hooks.beforeExecute?.(sql)
      return adapter.execute(sql, options)
    },
  })
}

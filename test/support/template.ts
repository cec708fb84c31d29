/**
 * Template warehouses: a sample that several test files start from (seeded, or seeded and built) is built
 * once per `vitest run`, by the real pipeline code of the checkout, into a DuckDB file in the run's template
 * folder (test/support/global-setup.ts). Each test file then opens its own copy of that file, so the files
 * stay independent of each other and of their order.
 *
 * The first worker that asks for a template builds it (a lock folder says so); the others wait for the
 * finished file. A build that fails leaves its error for the waiters, so they fail with it instead of timing out.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inject } from 'vitest'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { scratchDir } from './scratch.js'

/** How long a worker waits for another one's build of a template. */
const WAIT_MS = 600_000
const POLL_MS = 100

/** Builds a template into an open, empty :memory: warehouse (then written to the template file). */
export type TemplateBuild = (adapter: DuckDbAdapter) => Promise<void>

const building = new Map<string, Promise<string>>()

/** The path of the finished template `name`, building it first when no worker has. */
export function templatePath(name: string, build: TemplateBuild): Promise<string> {
  let pending = building.get(name)
  if (!pending) {
    pending = buildOrWait(name, build)
    building.set(name, pending)
  }
  return pending
}

/** A private copy of the template `name` (see templatePath), as a warehouse file path. */
export async function templateCopy(name: string, build: TemplateBuild): Promise<string> {
  const template = await templatePath(name, build)
  const copy = join(scratchDir(`${name}-`), 'warehouse.duckdb')
  copyFileSync(template, copy)
  return copy
}

/** A private copy of the template `name`, opened. */
export async function openTemplateCopy(name: string, build: TemplateBuild): Promise<DuckDbAdapter> {
  return DuckDbAdapter.open({ path: await templateCopy(name, build) })
}

async function buildOrWait(name: string, build: TemplateBuild): Promise<string> {
  const dir = inject('templateDir')
  if (!dir)
    throw new Error(
      `Template warehouse "${name}": no template folder; run vitest with vitest.config.ts (globalSetup test/support/global-setup.ts)`,
    )
  const done = join(dir, `${name}.duckdb`)
  const failed = join(dir, `${name}.error`)
  try {
    mkdirSync(join(dir, `${name}.lock`))
  } catch {
    return waitFor(name, done, failed)
  }
  const partial = join(dir, `${name}.building.duckdb`)
  try {
    // Built in memory (as fast as the tests' own :memory: builds were), then written to the file whole:
    // COPY FROM DATABASE carries every schema, table (with its constraints), view, sequence and macro.
    const adapter = await DuckDbAdapter.open({ path: ':memory:' })
    try {
      await build(adapter)
      const file = partial.replaceAll("'", "''")
      await adapter.execute(
        `ATTACH '${file}' AS template_file; COPY FROM DATABASE memory TO template_file; DETACH template_file`,
      )
    } finally {
      await adapter.close()
    }
    if (existsSync(`${partial}.wal`)) throw new Error(`Template warehouse "${name}": a WAL is left after DETACH`)
    renameSync(partial, done)
    return done
  } catch (error) {
    writeFileSync(failed, error instanceof Error ? (error.stack ?? error.message) : String(error))
    throw error
  }
}

async function waitFor(name: string, done: string, failed: string): Promise<string> {
  const deadline = Date.now() + WAIT_MS
  while (Date.now() < deadline) {
    if (existsSync(done)) return done
    if (existsSync(failed))
      throw new Error(
        `Template warehouse "${name}": its build failed in another worker:\n${readFileSync(failed, 'utf8')}`,
      )
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  throw new Error(`Template warehouse "${name}": no worker finished building it within ${WAIT_MS / 1000} s`)
}

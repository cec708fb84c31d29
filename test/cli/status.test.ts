import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { PIPELINE_BIN, childEnv, runCli } from '../support/cli.js'
import { REPO_ROOT } from '../support/fixtures.js'
import { scratchDir } from '../support/scratch.js'

import { DAYS_DEFINITION, INDEX } from './status-support.js'

/** A project of one daily incremental over two years of a source: 730 one-day batches, long enough to watch. */
async function daysProject(): Promise<{ root: string; warehouse: string }> {
  const root = scratchDir('pipeline-status-')
  mkdirSync(join(root, 'definitions'))
  writeFileSync(join(root, 'definitions', 'days.ts'), DAYS_DEFINITION)
  const warehouse = join(root, 'warehouse.duckdb')
  const adapter = await DuckDbAdapter.open({ path: warehouse })
  await adapter.execute(`CREATE SCHEMA raw;
    CREATE TABLE raw.events AS SELECT CAST(DATE '2020-01-01' + INTERVAL (i % 730) DAY AS DATE) AS day FROM range(7300) t(i)`)
  await adapter.close()
  return { root, warehouse }
}

interface RunningFile {
  runId: string
  status: string
  pid: number
  progress: {
    units: { done: number; total: number }
    running: { name: string; batch: number }[]
    step?: string | null
  }
}

function runFiles(root: string): RunningFile[] {
  const dir = join(root, '.pipeline', 'runs')
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as RunningFile)
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

/** The CLI in another process, node itself (no wrapper), so the pid in its run file is the one signalled; killed after the test. */
function inBackground(argv: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [PIPELINE_BIN, ...argv], { cwd: REPO_ROOT, env, stdio: 'ignore' })
  children.push(child)
  return child
}

describe('pipeline status from another terminal', () => {
  it('shows a real run in another process while it holds the warehouse, then the killed run as interrupted', async () => {
    const { root, warehouse } = await daysProject()
    const env = childEnv({ BUILD_COMMIT_SHA: 'c'.repeat(40) })
    const child = inBackground(['--project', root, '--warehouse', warehouse, 'run'], env)
    const file = await waitFor('a batch in the run file', () =>
      runFiles(root).find((f) => f.status === 'running' && f.progress.units.done >= 2),
    )
    // Freeze the writer mid-run: it still holds the DuckDB file, and its progress cannot move under the assertions.
    child.kill('SIGSTOP')
    const frozen = runFiles(root).find((f) => f.runId === file.runId)
    expect(frozen?.pid).toBe(child.pid)
    expect(frozen?.progress.units.total).toBe(731) // 730 batches and the source check

    const text = await runCli(['--project', root, '--warehouse', warehouse, 'status'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(`running: run ${file.runId} (pid ${child.pid}`)
    expect(text.stdout).toMatch(/daily_counts batch \d+\/730 \(last 2020-/)
    expect(text.stdout).toMatch(/batches \d+\/731, \d+ rows so far, ETA \d\d:\d\d:\d\d UTC/)
    expect(text.stdout).toContain(`warehouse: busy: held by run ${file.runId} (pid ${child.pid})`)

    const json = await runCli(['--project', root, '--warehouse', warehouse, '--json', 'status'])
    const status = JSON.parse(json.stdout) as { running: { runId: string }[]; unverified: unknown; missing: unknown }
    expect(status.running.map((r) => r.runId)).toEqual([file.runId])
    expect(status.unverified).toBeNull()
    expect(status.missing).toBeNull()

    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    const after = await runCli(['--project', root, '--warehouse', warehouse, 'status'])
    expect(after.code, after.stderr).toBe(0)
    expect(after.stdout).toContain('running: nothing')
    expect(after.stdout).toMatch(new RegExp(`run +daily +interrupted +build cccccccccccc ${file.runId}`))
    expect(after.stdout).toContain('warehouse: read (read-only)')
    expect(after.stdout).toMatch(/missing intervals \(a plain run builds them\):\n {2}daily_counts: \d+ day\(s\) 2020-/)
    expect(after.stdout).toContain('migrations: none pending')
  }, 120_000)
})

/**
 * A project whose seed module reports a step, then waits for the file `go` in the project folder: the
 * test sees `start` seeding for as long as it likes, whatever the load on the machine.
 */
function seedingProject(): { root: string; warehouse: string } {
  const root = scratchDir('pipeline-status-seed-')
  mkdirSync(join(root, 'definitions'))
  mkdirSync(join(root, 'includes'))
  writeFileSync(
    join(root, 'includes', 'project.ts'),
    `import { defineProject } from ${JSON.stringify(INDEX)}
export const project = defineProject({ name: 'seeding', seedModule: 'seed.ts' })
`,
  )
  writeFileSync(
    join(root, 'seed.ts'),
    `import { existsSync } from 'node:fs'
export async function seedWarehouse(connection: { run(sql: string): Promise<unknown> }, _options: unknown, onProgress?: (m: string) => void) {
  onProgress?.('generating events')
  while (!existsSync(${JSON.stringify(join(root, 'go'))})) await new Promise((r) => setTimeout(r, 20))
  await connection.run("CREATE SCHEMA raw; CREATE TABLE raw.events AS SELECT DATE '2020-01-01' + CAST(i AS INTEGER) AS day FROM range(3) t(i)")
}
`,
  )
  writeFileSync(join(root, 'definitions', 'days.ts'), DAYS_DEFINITION)
  return { root, warehouse: join(root, 'warehouse.duckdb') }
}

describe('pipeline status while start seeds', () => {
  it('shows start seeding the sample, from the run file start writes before its first action', async () => {
    const { root, warehouse } = seedingProject()
    const env = childEnv({ BUILD_COMMIT_SHA: 'd'.repeat(40) })
    const child = inBackground(['--project', root, '--warehouse', warehouse, 'start'], env)
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    const file = await waitFor('the seeding step in the run file', () =>
      runFiles(root).find((f) => f.status === 'running' && f.progress.step === 'seeding the sample: generating events'),
    )
    const text = await runCli(['--project', root, '--warehouse', warehouse, 'status'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(`running: start ${file.runId} (pid ${child.pid}`)
    expect(text.stdout).toContain('\n  seeding the sample: generating events\n')
    writeFileSync(join(root, 'go'), '')
    expect(await exited).toBe(0)
    const done = runFiles(root).find((f) => f.runId === file.runId)
    expect(done).toMatchObject({ status: 'succeeded', progress: { step: null, units: { done: 4, total: 4 } } })
  }, 120_000)
})

describe('pipeline run --skip-assertions', () => {
  it('needs --reason, refused with exit 2 before the warehouse is opened', async () => {
    const result = await runCli([
      '--warehouse',
      join(scratchDir('pipeline-status-'), 'never.duckdb'),
      'run',
      '--skip-assertions',
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--skip-assertions needs --reason')
  })
})

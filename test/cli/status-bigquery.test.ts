import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { localClient, queryRows, startEndpoint } from '../bigquery-local/local-client.js'
import { PIPELINE_BIN, childEnv, runCli } from '../support/cli.js'
import { REPO_ROOT } from '../support/fixtures.js'
import { scratchDir } from '../support/scratch.js'
import { DAYS_DEFINITION } from './status-support.js'

/**
 * `pipeline status` on BigQuery (issue 13), through the real client and the local endpoint: a run in
 * another process writes its run file as on DuckDB, and status reads it together with the state tables
 * (last runs, missing intervals, pending migrations), which BigQuery never locks.
 */
let endpoint: LocalBigQuery
let env: NodeJS.ProcessEnv
let root: string

interface RunFile {
  runId: string
  status: string
  progress: { units: { done: number; total: number } }
}

function runFiles(): RunFile[] {
  const dir = join(root, '.pipeline', 'runs')
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as RunFile)
}

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  const until = Date.now() + 90_000
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

beforeAll(async () => {
  endpoint = await startEndpoint()
  const bq = localClient(endpoint)
  await queryRows(bq, 'CREATE SCHEMA `local.raw`')
  // 40 days of events: 40 one-day batches, long enough to stop the run in the middle.
  const days = Array.from({ length: 40 }, (_, i) => `SELECT DATE_ADD(DATE '2020-01-01', INTERVAL ${i} DAY) AS day`)
  await queryRows(bq, `CREATE TABLE \`local.raw.events\` AS ${days.join(' UNION ALL ')}`)
  root = scratchDir('pipeline-status-bq-')
  mkdirSync(join(root, 'definitions'))
  writeFileSync(join(root, 'definitions', 'days.ts'), DAYS_DEFINITION)
  env = childEnv({
    PIPELINE_ENGINE: 'bigquery',
    PIPELINE_BQ_PROJECT: 'local',
    BIGQUERY_EMULATOR_HOST: endpoint.host,
    BUILD_COMMIT_SHA: 'b'.repeat(40),
  })
}, 60_000)
afterAll(async () => endpoint?.close())

describe('pipeline status on BigQuery', () => {
  it('shows a run in another process with its batches, then its outcome from the state tables', async () => {
    const child = spawn(process.execPath, [PIPELINE_BIN, '--project', root, 'run'], {
      cwd: REPO_ROOT,
      env,
      stdio: 'ignore',
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      const file = await waitFor('a batch in the run file', () =>
        runFiles().find((f) => f.status === 'running' && f.progress.units.done >= 2),
      )
      // Freeze the run mid-way: its progress cannot move under the assertions.
      child.kill('SIGSTOP')
      const running = await runCli(['--project', root, 'status'], env)
      expect(running.code, running.stderr).toBe(0)
      expect(running.stdout).toContain(`running: run ${file.runId} (pid ${child.pid}`)
      expect(running.stdout).toMatch(/daily_counts batch \d+\/40 \(last 2020-01-/)
      expect(running.stdout).toContain('warehouse: read')
      expect(running.stdout).toMatch(new RegExp(`run +daily +running +build bbbbbbbbbbbb ${file.runId}`))
      expect(running.stdout).toMatch(/missing intervals \(a plain run builds them\):\n {2}daily_counts: \d+ day\(s\)/)
      child.kill('SIGCONT')
      expect(await exited).toBe(0)
      const done = await runCli(['--project', root, '--json', 'status'], env)
      expect(done.code, done.stderr).toBe(0)
      const status = JSON.parse(done.stdout) as {
        running: unknown[]
        recent: { runId: string; status: string }[]
        missing: unknown[]
        pendingMigrations: string[]
      }
      expect(status.running).toEqual([])
      expect(status.recent[0]).toMatchObject({ runId: file.runId, status: 'succeeded' })
      expect(status.missing).toEqual([])
      expect(status.pendingMigrations).toEqual([])
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 180_000)
})

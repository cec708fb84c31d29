import { join } from 'node:path'
import { parse } from 'sql-parser-cst'
import { afterEach, describe, expect, it } from 'vitest'
import type { CliContext } from '../../src/cli/cli-context.js'
import { main } from '../../src/cli/main.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { createEngine } from '../../src/engines/create-engine.js'
import { childEnv, spawnCli } from '../support/cli.js'
import type { CliRun } from '../support/cli.js'
import { REPO_ROOT, copyFixture, tempDir } from './support.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

interface Captured {
  code: number
  stdout: string
  stderr: string
}

/** A CliContext with captured output; DuckDB opens the --warehouse file, BigQuery behaves as in production (no client offline). */
async function cli(argv: readonly string[]): Promise<Captured> {
  const out = { stdout: '', stderr: '' }
  const env = { BUILD_COMMIT_SHA: 'c'.repeat(40) }
  const context: CliContext = {
    io: {
      stdout: (t) => {
        out.stdout += t
      },
      stderr: (t) => {
        out.stderr += t
      },
      isTty: false,
    },
    env,
    cwd: REPO_ROOT,
    now: () => new Date('2026-01-15T12:00:00Z'),
    openAdapter: async (g) =>
      g.engine === 'duckdb' ? DuckDbAdapter.open({ path: g.warehouse }) : (await createEngine(g, env)).adapter,
    compile: () => Promise.reject(new Error('migrate must not compile the project')),
  }
  const code = await main(argv, context)
  return { code, ...out }
}

async function warehouse(): Promise<string> {
  const { dir, cleanup } = await tempDir()
  cleanups.push(cleanup)
  return join(dir, 'warehouse.duckdb')
}

describe('pipeline migrate', () => {
  it('status --json shows everything pending before up and nothing pending after', async () => {
    const file = await warehouse()
    const before = await cli(['--warehouse', file, '--json', 'migrate', 'status'])
    expect(before.code).toBe(0)
    const pending = JSON.parse(before.stdout)
    expect(pending.current).toBe(false)
    expect(pending.pending).toBe(pending.migrations.length)
    expect(pending.migrations[0]).toMatchObject({
      version: 1,
      state: 'pending',
      file: 'migrations/0001-legacy-prediction-tables.ts',
    })

    const up = await cli(['--warehouse', file, 'migrate', 'up'])
    expect(up.code).toBe(0)
    expect(up.stdout).toContain('applied 0001-legacy-prediction-tables')
    expect(up.stderr).toContain('applying 0001-legacy-prediction-tables')

    const after = await cli(['--warehouse', file, '--json', 'migrate', 'status'])
    expect(after.code).toBe(0)
    const current = JSON.parse(after.stdout)
    expect(current).toMatchObject({ current: true, pending: 0 })
    expect(
      current.migrations.every(
        (m: { state: string; buildCommitSha: string }) => m.state === 'applied' && m.buildCommitSha === 'c'.repeat(40),
      ),
    ).toBe(true)

    const verify = await cli(['--warehouse', file, '--json', 'migrate', 'verify'])
    expect(verify.code).toBe(0)
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true })
    expect((await cli(['--warehouse', file, 'migrate', 'up'])).stdout).toContain('nothing to apply')
    expect((await cli(['--warehouse', file, 'migrate', 'plan'])).stdout).toContain('nothing to apply on duckdb')
  })

  it('plan --engine bigquery prints DDL that parses, with partitioning, clustering and require_partition_filter', async () => {
    const text = await cli(['--engine', 'bigquery', 'migrate', 'plan'])
    expect(text.code).toBe(0)
    expect(text.stderr).toContain('planning every migration from the dialect alone')
    expect(() => parse(text.stdout, { dialect: 'bigquery' })).not.toThrow()
    expect(text.stdout).toContain('PARTITION BY `game_date`')
    expect(text.stdout).toContain('CLUSTER BY `player_lookup`, `feature_version`, `game_date`')
    expect(text.stdout).toContain('OPTIONS (require_partition_filter = TRUE)')

    const json = await cli(['--engine', 'bigquery', '--json', 'migrate', 'plan', '--offline'])
    const plan = JSON.parse(json.stdout) as { engine: string; migrations: { statements: { sql: string }[] }[] }
    expect(plan.engine).toBe('bigquery')
    const statements = plan.migrations.flatMap((m) => m.statements.map((s) => s.sql))
    for (const sql of statements) expect(() => parse(sql, { dialect: 'bigquery' }), sql).not.toThrow()
    expect(
      statements.filter((s) => /PARTITION BY[\s\S]*CLUSTER BY[\s\S]*require_partition_filter = TRUE/.test(s)),
    ).toHaveLength(4)
  })

  it('rejects a bad --to as usage (exit 2)', async () => {
    const result = await cli(['--warehouse', await warehouse(), 'migrate', 'up', '--to', 'latest'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--to "latest" is not a migration number')
  })

  it('exits 1 and names the file when an applied migration was edited', async () => {
    const { root, cleanup } = await copyFixture('migrations-basic')
    cleanups.push(cleanup)
    const file = await warehouse()
    expect((await cli(['--warehouse', file, '--project', root, 'migrate', 'up', '--to', '1'])).code).toBe(0)
    const { appendFile } = await import('node:fs/promises')
    await appendFile(join(root, 'migrations/0001-create-widgets.ts'), '// edited\n')
    const status = await cli(['--warehouse', file, '--project', root, 'migrate', 'status'])
    expect(status.code).toBe(1)
    expect(status.stdout).toMatch(/0001 {2}drifted/)
    const up = await cli(['--warehouse', file, '--project', root, 'migrate', 'up'])
    expect(up.code).toBe(1)
    expect(up.stderr).toContain('error [migration-drift]')
    expect(up.stderr).toContain('migrations/0001-create-widgets.ts changed after it was applied')
  })
})

describe('pipeline migrate up in separate processes on one warehouse file', () => {
  const env = childEnv({ BUILD_COMMIT_SHA: 'd'.repeat(40) })
  const spawnUp = (file: string, root: string, timeout: string): Promise<CliRun> =>
    spawnCli(['--warehouse', file, '--project', root, 'migrate', 'up', '--lock-timeout', timeout], env)

  it('exactly one applies; the other waits for the file and finds nothing to apply', async () => {
    const { root, cleanup } = await copyFixture('migrations-basic')
    cleanups.push(cleanup)
    const file = await warehouse()
    const results = await Promise.all([spawnUp(file, root, '60'), spawnUp(file, root, '60')])
    expect(
      results.map((r) => r.code),
      results.map((r) => r.stderr).join('\n'),
    ).toEqual([0, 0])
    expect(results.filter((r) => r.stdout.includes('applied 0001-create-widgets'))).toHaveLength(1)
    expect(results.filter((r) => r.stdout.includes('nothing to apply: 2 migration(s) already applied'))).toHaveLength(1)
  })

  it('reports the process holding the warehouse file when it does not let go in time', async () => {
    const { root, cleanup } = await copyFixture('migrations-basic')
    cleanups.push(cleanup)
    const file = await warehouse()
    const holder = await DuckDbAdapter.open({ path: file })
    try {
      const result = await spawnUp(file, root, '0.5')
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('error [warehouse-busy]')
      expect(result.stderr).toContain(`is busy: PID ${process.pid} has it open for writing (waited 0.5 s)`)
      expect(result.stderr).toContain('add --wait [SECONDS] to queue behind it')
    } finally {
      await holder.close()
    }
  })
})

import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BigQuery } from '@google-cloud/bigquery'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { runCli } from '../support/cli.js'
import { REPO_ROOT, fixturePath } from '../support/fixtures.js'
import { createShopSources, localClient, startEndpoint } from './local-client.js'

/**
 * The shop fixture, copied into its own committed git repository (backfill's preflight wants a clean
 * tree) at the same depth below the repository root, so its relative imports of src/ still resolve.
 */
function committedShop(): string {
  const root = join(REPO_ROOT, '.pipeline', `bq-e2e-${process.pid}`, 'shop')
  rmSync(root, { recursive: true, force: true })
  mkdirSync(root, { recursive: true })
  cpSync(fixturePath('shop'), root, { recursive: true })
  writeFileSync(join(root, '.gitignore'), '.pipeline/\n')
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'ignore' })
  git('init', '-q')
  git('add', '-A')
  git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'shop')
  return root
}

/** Commit a new includes/project.ts into the shop copy's repository. */
function commitShop(projectText: string): void {
  writeFileSync(join(shop, 'includes', 'project.ts'), projectText)
  const git = (...args: string[]) => execFileSync('git', args, { cwd: shop, stdio: 'ignore' })
  git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-qam', 'project settings')
}

let endpoint: LocalBigQuery
let bq: BigQuery
let env: NodeJS.ProcessEnv
let shop: string

async function rows(query: string): Promise<Record<string, unknown>[]> {
  const [job] = await bq.createQueryJob({ query })
  const [result] = await job.getQueryResults()
  return result as Record<string, unknown>[]
}

async function count(table: string): Promise<number> {
  const [row] = await rows(`SELECT COUNT(*) AS n FROM \`local.${table}\``)
  return Number(row?.n)
}

const cli = (...argv: string[]) => runCli(['--project', shop, ...argv], env)

interface RunJson {
  readonly ok: boolean
  readonly runId: string
  readonly actions: readonly { name: string; status: string; intervals: unknown[]; rowsWritten: number | null }[]
}

beforeAll(async () => {
  shop = committedShop()
  endpoint = await startEndpoint()
  bq = localClient(endpoint)
  // A bare host:port, as `npm run bigquery:local` users often export it.
  env = { PIPELINE_ENGINE: 'bigquery', PIPELINE_BQ_PROJECT: 'local', BIGQUERY_EMULATOR_HOST: endpoint.host }
  await createShopSources(rows)
})

afterAll(async () => {
  await endpoint.close()
  rmSync(join(shop, '..'), { recursive: true, force: true })
})

describe('the CLI on the shop fixture through the real client and the local BigQuery endpoint', () => {
  let firstRunId = ''

  it('migrates an empty project: status and up succeed with nothing to apply', async () => {
    expect(await cli('migrate', 'status')).toMatchObject({ code: 0 })
    const up = await cli('migrate', 'up')
    expect(up.stderr).toBe('')
    expect(up).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to apply') })
  })

  it('runs every action on a fresh project, creating the datasets it needs', async () => {
    const first = await cli('--json', 'run')
    expect(first.code, first.stderr).toBe(0)
    const result = JSON.parse(first.stdout) as RunJson
    firstRunId = result.runId
    expect(result.actions.every((a) => a.status === 'succeeded')).toBe(true)
    expect(
      await rows('SELECT order_date, customer_id, orders, amount, run_id FROM `local.shop.orders_daily` ORDER BY 1, 2'),
    ).toEqual([
      { order_date: { value: '2026-01-01' }, customer_id: 1, orders: 1, amount: 10, run_id: firstRunId },
      { order_date: { value: '2026-01-01' }, customer_id: 2, orders: 1, amount: 4, run_id: firstRunId },
      { order_date: { value: '2026-01-02' }, customer_id: 2, orders: 1, amount: 5, run_id: firstRunId },
      { order_date: { value: '2026-01-03' }, customer_id: 1, orders: 1, amount: 7.5, run_id: firstRunId },
      { order_date: { value: '2026-01-04' }, customer_id: 3, orders: 1, amount: 1, run_id: firstRunId },
    ])
    expect(await count('shop.customer_totals')).toBe(5)
    expect(await count('shop.orders_log')).toBe(5)
    expect(await rows('SELECT * FROM `local.shop.customer_countries` ORDER BY country')).toEqual([
      { country: 'FR', customers: 1 },
      { country: 'US', customers: 2 },
    ])
    expect(await rows('SELECT status, actions_succeeded FROM `local.pipeline_state.runs`')).toEqual([
      { status: 'succeeded', actions_succeeded: 9 },
    ])
  })

  it('swaps the rebuilt table in by a copy job and leaves no staging table behind', async () => {
    const [tables] = await bq.dataset('shop').getTables()
    expect(tables.map((t) => t.id).sort()).toEqual([
      'customer_countries',
      'customer_totals',
      'customers',
      'orders_daily',
      'orders_log',
    ])
    const [customers] = await bq.dataset('shop').table('customers').getMetadata()
    expect(customers.expirationTime).toBeUndefined()
    expect(await count('shop.customers')).toBe(3)
  })

  it('has nothing to do on a second run: no interval is rebuilt and no row is appended twice', async () => {
    const second = await cli('--json', 'run')
    expect(second.code, second.stderr).toBe(0)
    const result = JSON.parse(second.stdout) as RunJson
    for (const name of ['orders_daily', 'customer_totals', 'orders_log'])
      expect(result.actions.find((a) => a.name === name)?.intervals, name).toEqual([])
    expect(await count('shop.orders_log')).toBe(5)
    expect(await count('shop.orders_daily')).toBe(5)
  })

  it('backfills a date range: the rows of those dates are rewritten by the backfill run, none lost or doubled', async () => {
    const backfill = await cli(
      '--json',
      'backfill',
      '--from',
      '2026-01-02',
      '--to',
      '2026-01-03',
      '--actions',
      'orders_daily',
      '--reason',
      'e2e on the local endpoint',
      '--yes',
    )
    expect(backfill.code, `${backfill.stderr}\n${backfill.stdout}`).toBe(0)
    const byDate = await rows(
      'SELECT CAST(order_date AS STRING) AS d, run_id FROM `local.shop.orders_daily` ORDER BY order_date, customer_id',
    )
    expect(byDate.map((r) => r.d)).toEqual(['2026-01-01', '2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04'])
    const rewritten = byDate.filter((r) => r.d === '2026-01-02' || r.d === '2026-01-03')
    expect(rewritten.every((r) => r.run_id !== firstRunId)).toBe(true)
    expect(byDate.filter((r) => r.d === '2026-01-01').every((r) => r.run_id === firstRunId)).toBe(true)
    const [mode] = await rows(
      "SELECT mode, command, reason FROM `local.pipeline_state.runs` WHERE command = 'backfill'",
    )
    expect(mode).toEqual({ mode: 'backfill', command: 'backfill', reason: 'backfill:e2e on the local endpoint' })
  })

  it('prints the bytes a backfill would scan (dry-run jobs) and writes nothing', async () => {
    const runs = await rows('SELECT COUNT(*) AS n FROM `local.pipeline_state.runs`')
    const dry = await cli(
      'backfill',
      '--from',
      '2026-01-02',
      '--to',
      '2026-01-02',
      '--actions',
      'orders_daily',
      '--reason',
      'estimate only',
      '--dry-run',
    )
    expect(dry.code, dry.stderr + dry.stdout).toBe(0)
    expect(dry.stdout).toMatch(
      /estimated bytes processed \(BigQuery dry-run jobs\):\n {2}orders_daily +\d+(\.\d)? [KM]?i?B/,
    )
    expect(dry.stdout).toContain('dry run: nothing was written')
    expect(await rows('SELECT COUNT(*) AS n FROM `local.pipeline_state.runs`')).toEqual(runs)
  })

  it('refuses a backfill whose dry-run estimate is over --max-bytes, or over the project setting, with exit 1', async () => {
    const runs = await rows('SELECT COUNT(*) AS n FROM `local.pipeline_state.runs`')
    const args = ['backfill', '--from', '2026-01-02', '--to', '2026-01-03', '--actions', 'orders_daily']
    const over = await cli(...args, '--reason', 'budget check', '--dry-run', '--max-bytes', '10')
    expect(over.code, over.stderr + over.stdout).toBe(1)
    expect(over.stderr).toMatch(/error \[over-budget\]: the backfill would process .* over the budget of 10 B/)
    expect(over.stdout).toMatch(/total +\d.* \(budget 10 B\)/)
    const within = await cli(...args, '--reason', 'budget check', '--dry-run', '--max-bytes', '1000000000')
    expect(within.code, within.stderr + within.stdout).toBe(0)
    // The project's maximumBytesBilled is the budget when there is no flag (committed: the preflight wants a clean tree).
    const project = join(shop, 'includes', 'project.ts')
    const original = readFileSync(project, 'utf8')
    commitShop(original.replace('concurrency: 2', 'concurrency: 2, bigquery: { maximumBytesBilled: 10 }'))
    try {
      const bySetting = await cli(...args, '--reason', 'budget check', '--dry-run')
      expect(bySetting.code, bySetting.stderr + bySetting.stdout).toBe(1)
      expect(bySetting.stderr).toContain('over the budget of 10 B')
    } finally {
      commitShop(original)
    }
    expect(await rows('SELECT COUNT(*) AS n FROM `local.pipeline_state.runs`')).toEqual(runs)
  })

  it('rebuilds an incremental action with --full-refresh (the DROP runs outside any transaction)', async () => {
    const refresh = await cli('--json', 'run', '--full-refresh', '--actions', 'customer_totals')
    expect(refresh.code, refresh.stderr).toBe(0)
    const result = JSON.parse(refresh.stdout) as RunJson
    expect(result.actions.find((a) => a.name === 'customer_totals')?.intervals).toEqual([
      { start: '2026-01-01', end: '2026-01-05' },
    ])
    expect(await count('shop.customer_totals')).toBe(5)
  })

  it('asserts the built tables, with and without a date range', async () => {
    const all = await cli('--json', 'assert')
    expect(all.code, all.stderr + all.stdout).toBe(0)
    // Without --from/--to, BigQuery checks the recorded dates, never a whole (require_partition_filter) table.
    expect(JSON.parse(all.stdout)).toMatchObject({ from: '2026-01-01', to: '2026-01-04' })
    const ranged = await cli('assert', '--from', '2026-01-01', '--to', '2026-01-02')
    expect(ranged.code, ranged.stderr + ranged.stdout).toBe(0)
  })
})

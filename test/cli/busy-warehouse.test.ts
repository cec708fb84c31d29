import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeHolder, releaseHolders, holderPath } from '../../src/cli/warehouse-holder.js'
import type { WarehouseHolder } from '../../src/cli/warehouse-holder.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { PIPELINE_BIN, childEnv, spawnCli } from '../support/cli.js'
import type { CliRun } from '../support/cli.js'
import { REPO_ROOT, fixturePath } from '../support/fixtures.js'
import { scratchDir } from '../support/scratch.js'

const shop = fixturePath('shop')
const env = childEnv({ BUILD_COMMIT_SHA: 'e'.repeat(40) })

/** The CLI in a child process, as an operator in a second terminal runs it. */
function pipeline(warehouse: string, ...argv: string[]): Promise<CliRun> {
  return spawnCli(['--project', shop, '--warehouse', warehouse, ...argv], env)
}

/** A CLI child whose stderr can be awaited as it comes (a run that is waiting says so there). */
interface StartedCli {
  readonly done: Promise<CliRun>
  /** Resolves once stderr holds `text`; rejects if the process ends without it. */
  stderrContains(text: string): Promise<void>
}

function startPipeline(warehouse: string, ...argv: string[]): StartedCli {
  const child = spawn(process.execPath, [PIPELINE_BIN, '--project', shop, '--warehouse', warehouse, ...argv], {
    cwd: REPO_ROOT,
    env,
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })),
  )
  const stderrContains = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!stderr.includes(text)) return
        child.stderr.off('data', check)
        resolve()
      }
      child.stderr.on('data', check)
      check()
      void done.then(() =>
        stderr.includes(text) ? resolve() : reject(new Error(`ended without "${text}":\n${stderr}`)),
      )
    })
  return { done, stderrContains }
}

/** The holder file of `warehouse` once a writer has recorded itself there (polled: it is a plain file). */
async function waitForHolder(warehouse: string): Promise<WarehouseHolder> {
  const until = Date.now() + 90_000
  for (;;) {
    if (existsSync(holderPath(warehouse))) {
      const text = readFileSync(holderPath(warehouse), 'utf8')
      if (text.endsWith('\n')) return JSON.parse(text) as WarehouseHolder
    }
    if (Date.now() > until) throw new Error(`no writer recorded itself in ${holderPath(warehouse)}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function shopWarehouse(): Promise<string> {
  const path = join(scratchDir('pipeline-busy-'), 'warehouse.duckdb')
  const adapter = await DuckDbAdapter.open({ path })
  await adapter.execute(`CREATE SCHEMA raw;
    CREATE TABLE raw.raw_customers AS SELECT * FROM (VALUES (1, 'fr'), (2, 'us')) t(customer_id, country);
    CREATE TABLE raw.raw_orders AS SELECT * FROM (VALUES (DATE '2026-01-01', 1, 10.0), (DATE '2026-01-02', 2, 5.0)) t(order_date, customer_id, amount)`)
  await adapter.close()
  return path
}

/** orders_daily without its run-dependent column, in a fixed order. */
async function ordersDaily(path: string): Promise<unknown[]> {
  const adapter = await DuckDbAdapter.open({ path, readOnly: true })
  try {
    return await adapter.query(
      'SELECT order_date, customer_id, orders, amount, build_commit_sha FROM shop.orders_daily ORDER BY ALL',
    )
  } finally {
    await adapter.close()
  }
}

describe('a warehouse file another process holds', () => {
  it('refuses a second run while a real run holds the file, naming that run, and leaves the first to finish', async () => {
    const warehouse = await shopWarehouse()
    const first = startPipeline(warehouse, 'run')
    // The run records itself beside the file once DuckDB has it open; frozen there, it holds the lock.
    const holder = await waitForHolder(warehouse)
    process.kill(holder.pid, 'SIGSTOP')
    try {
      const second = await pipeline(warehouse, 'run')
      expect(second.code, second.stderr).toBe(1)
      expect(second.stderr).toContain(
        `error [warehouse-busy]: the warehouse "${warehouse}" is busy: PID ${holder.pid} ("pipeline run", run ${holder.runId}, since ${holder.since}) has it open for writing`,
      )
      expect(second.stderr).toContain('add --wait [SECONDS] to queue behind it')
      expect(second.stderr).not.toMatch(/^\s+at /m)
    } finally {
      process.kill(holder.pid, 'SIGCONT')
    }
    expect((await first.done).code).toBe(0)
    expect(existsSync(holderPath(warehouse))).toBe(false)
  }, 120_000)

  it('with --wait, two runs started together both succeed in turn and the tables equal a single run', async () => {
    const single = await shopWarehouse()
    expect((await pipeline(single, 'run')).code).toBe(0)
    const shared = await shopWarehouse()
    // The test holds the file until both runs say they wait (events, not timing), then lets go: both
    // queue, whatever the load on the machine, and then take the file one after the other.
    const holder = await DuckDbAdapter.open({ path: shared })
    writeHolder(shared, { command: 'run', runId: 'run-held-3', now: new Date('2026-01-15T03:00:00Z') })
    const runs = [startPipeline(shared, '--wait', '600', 'run'), startPipeline(shared, '--wait', '600', 'run')]
    try {
      await Promise.all(runs.map((r) => r.stderrContains(`waiting for the warehouse "${shared}"`)))
    } finally {
      await holder.close()
      releaseHolders()
    }
    const [first, second] = await Promise.all(runs.map((r) => r.done))
    expect([first?.code, second?.code], `${first?.stderr}\n${second?.stderr}`).toEqual([0, 0])
    expect(await ordersDaily(shared)).toEqual(await ordersDaily(single))
    expect(existsSync(holderPath(shared))).toBe(false)
  }, 120_000)

  it('lets a read-only report share the file with another reader', async () => {
    const warehouse = await shopWarehouse()
    expect((await pipeline(warehouse, 'run')).code).toBe(0)
    const reader = await DuckDbAdapter.open({ path: warehouse, readOnly: true })
    try {
      const report = await pipeline(warehouse, '--json', 'report', 'orders')
      expect(report.code, report.stderr).toBe(0)
      expect(JSON.parse(report.stdout).total).toEqual({ group_key: 'all', orders: 2, amount: 15 })
    } finally {
      await reader.close()
    }
  })

  it('makes a report wait for a writer, saying so, and names the writer when it does not let go', async () => {
    const warehouse = await shopWarehouse()
    expect((await pipeline(warehouse, 'run')).code).toBe(0)
    const writer = await DuckDbAdapter.open({ path: warehouse })
    writeHolder(warehouse, { command: 'backfill', runId: 'run-held-2', now: new Date('2026-01-15T03:00:00Z') })
    try {
      const report = await pipeline(warehouse, '--wait', '1', 'report', 'orders')
      expect(report.code).toBe(1)
      expect(report.stderr).toContain(
        `waiting for the warehouse "${warehouse}": PID ${process.pid} ("pipeline backfill"`,
      )
      expect(report.stderr).toContain('has it open for writing (waited 1 s)')
    } finally {
      await writer.close()
      releaseHolders()
    }
  })
})

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { scratchDir } from '../support/scratch.js'
import { describe, expect, it } from 'vitest'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { runCli } from '../support/cli.js'
import { fixturePath } from '../support/fixtures.js'

const shop = fixturePath('shop')
const broken = fixturePath('broken-project')

async function shopWarehouse(): Promise<string> {
  const path = join(scratchDir('pipeline-cli-'), 'warehouse.duckdb')
  const adapter = await DuckDbAdapter.open({ path })
  await adapter.execute(`CREATE SCHEMA raw;
    CREATE TABLE raw.raw_customers AS SELECT * FROM (VALUES (1, 'fr'), (2, 'us')) t(customer_id, country);
    CREATE TABLE raw.raw_orders AS SELECT * FROM (VALUES (DATE '2026-01-01', 1, 10.0), (DATE '2026-01-02', 2, 5.0)) t(order_date, customer_id, amount)`)
  await adapter.close()
  return path
}

describe('pipeline CLI', () => {
  it('prints help for every command with exit 0', async () => {
    for (const argv of [['--help'], ['run', '--help'], ['compile', '--help'], ['lineage', '--help']]) {
      const result = await runCli(argv)
      expect(result.code, argv.join(' ')).toBe(0)
      expect(result.stdout).toMatch(/Usage: pipeline/)
    }
  })

  it('exits 2 naming file, action and a fix for every compile problem', async () => {
    const result = await runCli(['--project', broken, 'compile'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      'Action "orders_summary" (definitions/refs.ts): unknown dependency "order_itemz"; did you mean "order_items"?',
    )
    expect(result.stderr).toContain('dependency cycle: cycle_a → cycle_b → cycle_c → cycle_a')
    expect(result.stderr).toContain(
      'Action "order_items" (definitions/refs.ts): duplicate action name, also defined in definitions/dupes.ts',
    )
    expect(result.stderr).toContain(
      'Action "bad_key" (definitions/bad-config.ts): unknown table config key "uniqueKeys"; remove it or check its spelling',
    )
  })

  it('exits 2 on a misspelt contract column type, naming file and action and suggesting the type', async () => {
    const result = await runCli(['--project', fixturePath('bad-column-type'), 'compile'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      'Action "events_daily" (definitions/events.ts): column "events": unknown column type "INTT64"; did you mean "INT64"?',
    )
  })

  it('exits 2 when --project is missing or is not a pipeline project, saying what to pass', async () => {
    const missing = join(scratchDir('pipeline-cli-'), 'no-such-project')
    for (const command of [['compile'], ['--warehouse', ':memory:', 'run']]) {
      const result = await runCli(['--project', missing, ...command])
      expect(result.code, command.join(' ')).toBe(2)
      expect(result.stderr).toContain(`project folder "${missing}" does not exist; pass --project`)
    }
    const empty = scratchDir('pipeline-cli-')
    const result = await runCli(['--project', empty, 'compile'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`"${empty}" is not a pipeline project: it has neither definitions/ nor assertions/`)
    expect(result.stdout).toContain('pipeline: 0 actions, 1 problem(s)')
  })

  it('refuses to run a project that does not compile, with exit 2', async () => {
    const result = await runCli(['--project', broken, '--warehouse', ':memory:', 'run'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/compile found 5 problem\(s\)/)
  })

  it('exits 2 for an unknown action, with a did-you-mean', async () => {
    const result = await runCli(['--project', shop, '--warehouse', ':memory:', 'run', '--actions', 'orders_dayly'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--actions "orders_dayly" matches no action; did you mean "orders_daily"?')
  })

  it('exits 2 for a reversed or malformed date range before touching the warehouse', async () => {
    const reversed = await runCli([
      '--project',
      shop,
      '--warehouse',
      ':memory:',
      'run',
      '--from',
      '2026-01-28',
      '--to',
      '2026-01-09',
    ])
    expect(reversed.code).toBe(2)
    expect(reversed.stderr).toContain('--from 2026-01-28 is after --to 2026-01-09')
    const malformed = await runCli([
      '--project',
      shop,
      '--warehouse',
      ':memory:',
      'run',
      '--from',
      "2026-01-01'; drop table x; --",
    ])
    expect(malformed.code).toBe(2)
    expect(malformed.stderr).toMatch(/--from .* is not a date; use YYYY-MM-DD/)
  })

  it('exits 2 for an unknown engine or flag', async () => {
    expect((await runCli(['--engine', 'postgres', 'compile', '--project', shop])).code).toBe(2)
    expect((await runCli(['run', '--no-such-flag'])).code).toBe(2)
  })

  it('prints byte-identical compile --json output for the same tree', async () => {
    const first = await runCli(['--project', shop, '--json', 'compile'])
    const second = await runCli(['--project', shop, '--json', 'compile'])
    expect(first.code).toBe(0)
    expect(second.stdout).toBe(first.stdout)
    const parsed = JSON.parse(first.stdout) as { actions: { name: string; sql: { query?: string } }[] }
    expect(parsed.actions.find((a) => a.name === 'orders_daily')?.sql.query).toContain('select o.order_date')
  })

  it('prints lineage as mermaid and dot', async () => {
    const mermaid = await runCli(['--project', shop, 'lineage'])
    expect(mermaid.stdout).toContain('flowchart LR')
    expect(mermaid.stdout).toContain('raw_orders --> orders_daily')
    const dot = await runCli(['--project', shop, 'lineage', '--format', 'dot'])
    expect(dot.stdout).toContain('"raw_orders" -> "orders_daily";')
    expect((await runCli(['--project', shop, 'lineage', '--format', 'svg'])).code).toBe(2)
  })

  it('runs a file warehouse, writes the run file, and a second run builds no interval', async () => {
    const warehouse = await shopWarehouse()
    const first = await runCli(['--project', shop, '--warehouse', warehouse, '--json', 'run'])
    expect(first.code).toBe(0)
    const result = JSON.parse(first.stdout) as {
      runId: string
      buildCommitSha: string
      actions: { name: string; intervals: unknown[] }[]
    }
    expect(result.buildCommitSha).toBe('b'.repeat(40))
    expect(readdirSync(join(shop, '.pipeline', 'runs'))).toContain(`${result.runId}.json`)
    expect(first.stderr).toMatch(/ok {3}orders_daily \[incremental\]/)
    const second = await runCli(['--project', shop, '--warehouse', warehouse, '--json', 'run'])
    const again = JSON.parse(second.stdout) as { actions: { name: string; intervals: unknown[] }[] }
    expect(again.actions.find((a) => a.name === 'orders_daily')?.intervals).toEqual([])
  })

  it('warns before a run outside git without BUILD_COMMIT_SHA that its rows are stamped unknown, and not otherwise', async () => {
    const project = scratchDir('pipeline-nogit-')
    mkdirSync(join(project, 'definitions'))
    writeFileSync(
      join(project, 'definitions', 'one.ts'),
      `import { sql, table } from '#pipeline'\nexport const one = table({ name: 'one', query: () => sql\`select 1 as x\` })\n`,
    )
    const run = (env: NodeJS.ProcessEnv) =>
      runCli(['--project', project, '--warehouse', ':memory:', '--json', 'run'], env)
    const unknown = await run({ BUILD_COMMIT_SHA: '' })
    expect(unknown.code, unknown.stderr).toBe(0)
    expect((JSON.parse(unknown.stdout) as { buildCommitSha: string }).buildCommitSha).toBe('unknown')
    expect(unknown.stderr).toContain(
      "warning: the project is not a git checkout and BUILD_COMMIT_SHA is not set: every row of this run is stamped build_commit_sha 'unknown'",
    )
    expect(unknown.stderr).toContain('set BUILD_COMMIT_SHA to the commit this code was built from')
    const named = await run({ BUILD_COMMIT_SHA: 'c'.repeat(40) })
    expect(named.code, named.stderr).toBe(0)
    expect(named.stderr).not.toContain('warning: the project is not a git checkout')
  })

  it('runs a report with the parameters it declares, as --<name> VALUE or --param name=VALUE, and refuses others', async () => {
    const warehouse = await shopWarehouse()
    expect((await runCli(['--project', shop, '--warehouse', warehouse, 'run'])).code).toBe(0)
    const report = async (...args: string[]) => {
      const result = await runCli(['--project', shop, '--warehouse', warehouse, '--json', 'report', 'orders', ...args])
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0)
      return JSON.parse(result.stdout) as { total: { orders: number; amount: number } | null; params: object }
    }
    expect((await report()).total).toEqual({ group_key: 'all', orders: 2, amount: 15 })
    const france = await report('--country', 'FR')
    expect(france.total).toEqual({ group_key: 'all', orders: 1, amount: 10 })
    expect(france.params).toEqual({ from: null, to: null, country: 'FR', minAmount: 0 })
    expect((await report('--param', 'country=US')).total?.amount).toBe(5)
    expect((await report('--min-amount=6')).total?.amount).toBe(10)
    const text = await runCli(['--project', shop, '--warehouse', warehouse, 'report', '--country', 'FR', 'orders'])
    expect(text.stdout).toContain('from (start), to (end), country FR, min-amount 0')
    const injected = await runCli([
      '--project',
      shop,
      '--warehouse',
      warehouse,
      'report',
      'orders',
      '--country',
      "FR' OR 1=1 --",
    ])
    expect(injected.code).toBe(2)
    expect(injected.stderr).toContain(
      'Report "orders": --country "FR\' OR 1=1 --" is not a value matching /^[A-Z]{2}$/',
    )
    // Refused before the warehouse is opened: a warehouse under a regular file cannot be opened (exit 1).
    const file = join(scratchDir('pipeline-cli-'), 'file')
    writeFileSync(file, '')
    const nowhere = join(file, 'warehouse.duckdb')
    const unknown = await runCli(['--project', shop, '--warehouse', nowhere, 'report', 'orders', '--contry', 'FR'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain(
      'has no parameter --contry; did you mean "--country"?; its parameters: --country, --min-amount',
    )
    const list = await runCli(['--project', shop, 'report'])
    expect(list.stdout).toMatch(
      /orders +orders and amount of the shop \(--by day\)\n +--country STRING: customer country code/,
    )
  })

  it('refuses --full-refresh of a protected action with exit 2', async () => {
    const result = await runCli([
      '--project',
      fixturePath('protected'),
      '--warehouse',
      ':memory:',
      'run',
      '--full-refresh',
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--full-refresh refused for protected action(s) "history" (definitions/history.ts)')
  })

  it('requires --reason, and --dry-run or --yes, before a backfill touches anything', async () => {
    const base = [
      '--project',
      fixturePath('forecasts'),
      '--warehouse',
      ':memory:',
      'backfill',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-02',
      '--actions',
      'forecasts',
    ]
    const noReason = await runCli(base)
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain("required option '--reason <text>' not specified")
    const noYes = await runCli([...base, '--reason', 'fix'])
    expect(noYes.code).toBe(2)
    expect(noYes.stderr).toContain('run it with --dry-run first, then again with --yes')
  })
})

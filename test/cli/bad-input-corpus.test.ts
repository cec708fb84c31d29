import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { runCli } from '../support/cli.js'
import { fixturePath, REPO_ROOT } from '../support/fixtures.js'
import { scratchDir } from '../support/scratch.js'

/**
 * The bad-input corpus of issue 15: inputs a careless or hurried operator types, each against a built
 * warehouse. Every one must exit with its code (2 for bad usage), print a message naming what is wrong
 * and what to do, print no stack trace, and leave the warehouse file byte for byte as it was (and add
 * no file beside it).
 */
interface Case {
  readonly argv: readonly string[]
  /** Text (or pattern) the error must contain. */
  readonly says: string | RegExp
  readonly code?: number
  /** Project: the shop fixture (default) or this repository's NBA project. */
  readonly project?: 'shop' | 'nba'
  /** Warehouse: the built shop warehouse (default), an unmigrated file, or a literal path. */
  readonly warehouse?: 'built' | 'unmigrated' | { readonly path: string }
}

const W = '@WAREHOUSE@'
const DIR = '@SCRATCH@'
const INJECT = "x'; DROP TABLE shop.orders_daily; --"

const CASES: Readonly<Record<string, Case>> = {
  // The 14 inputs the issue found mishandled.
  'backfill with --actions empty': {
    argv: ['backfill', '--from', '2026-01-20', '--to', '2026-01-20', '--actions', '', '--reason', 'r', '--yes'],
    says: '--actions "" is empty; name at least one action',
  },
  'run with --actions empty': { argv: ['run', '--actions', ''], says: '--actions "" is empty' },
  'run --concurrency 0': {
    argv: ['run', '--concurrency', '0'],
    says: '--concurrency "0" is not a whole number from 1 to 64',
  },
  'run --concurrency -1': { argv: ['run', '--concurrency', '-1'], says: '--concurrency "-1" is not a whole number' },
  'run --concurrency abc': { argv: ['run', '--concurrency', 'abc'], says: '--concurrency "abc" is not a whole number' },
  'run --concurrency 1.5': { argv: ['run', '--concurrency', '1.5'], says: '--concurrency "1.5" is not a whole number' },
  'run --concurrency 10000': {
    argv: ['run', '--concurrency', '10000'],
    says: '--concurrency "10000" is not a whole number from 1 to 64; e.g. --concurrency 4',
  },
  '--warehouse a directory': {
    argv: ['run'],
    warehouse: { path: DIR },
    says: /--warehouse ".*" is a folder, not a warehouse file; name a file inside it/,
  },
  '--warehouse empty': { argv: ['--warehouse', '', 'run'], says: '--warehouse is empty; give a DuckDB file path' },
  '--warehouse under a regular file': {
    argv: ['run'],
    warehouse: { path: `${DIR}/a-file/warehouse.duckdb` },
    says: /cannot be created: ".*a-file" is a file, not a folder/,
  },
  '--warehouse under /sys': {
    argv: ['run'],
    warehouse: { path: '/sys/warehouse.duckdb' },
    says: 'is under /sys, a kernel filesystem, not storage',
  },
  '--warehouse under /proc': {
    argv: ['run'],
    warehouse: { path: '/proc/self/warehouse.duckdb' },
    says: 'is under /proc, a kernel filesystem, not storage',
  },
  '--project a missing folder': {
    argv: ['--project', `${DIR}/no-such-project`, 'run'],
    says: /project folder ".*no-such-project" does not exist; pass --project/,
  },
  'migrate plan --to 99': { argv: ['migrate', 'plan', '--to', '99'], says: '--to 99: there is no migration 0099' },
  'run --actions unknown on an unmigrated warehouse': {
    argv: ['run', '--actions', 'ml_feature_store_v3'],
    project: 'nba',
    warehouse: 'unmigrated',
    says: '--actions "ml_feature_store_v3" matches no action; did you mean "ml_feature_store_v2"?',
  },
  // Selections.
  'run --actions injection': { argv: ['run', '--actions', INJECT], says: 'is not a valid action name or glob' },
  'run --tags injection': { argv: ['run', '--tags', "daily' OR 1=1"], says: 'is not a valid tag name or glob' },
  'run --tags empty': { argv: ['run', '--tags', ''], says: '--tags "" is empty; name at least one tag' },
  'run --actions with an empty item': {
    argv: ['run', '--actions', 'orders_daily,,customers'],
    says: 'has an empty action between commas',
  },
  'run --actions a lone comma': { argv: ['run', '--actions', ','], says: '--actions "," is empty' },
  'run --actions spaces only': { argv: ['run', '--actions', '   '], says: 'is empty' },
  'run --actions misspelt': {
    argv: ['run', '--actions', 'orders_dayly'],
    says: '--actions "orders_dayly" matches no action; did you mean "orders_daily"?',
  },
  'run --actions a glob matching nothing': { argv: ['run', '--actions', 'zz_*'], says: 'matches no action' },
  'run --tags unknown': { argv: ['run', '--tags', 'nosuchtag'], says: '--tags "nosuchtag" matches no action' },
  'run --actions with a space inside': {
    argv: ['run', '--actions', 'orders daily'],
    says: 'is not a valid action name',
  },
  'run --actions without a value': { argv: ['run', '--actions'], says: "option '--actions <names>' argument missing" },
  'assert --actions empty': { argv: ['assert', '--actions', ''], says: '--actions "" is empty' },
  'assert --tags injection': { argv: ['assert', '--tags', INJECT], says: 'is not a valid tag name' },
  'assert --actions misspelt': { argv: ['assert', '--actions', 'orders_dayly'], says: 'did you mean "orders_daily"?' },
  // Dates.
  'run --from month 13': {
    argv: ['run', '--from', '2026-13-01'],
    says: '--from "2026-13-01" is not a date; use YYYY-MM-DD',
  },
  'run --from February 30': { argv: ['run', '--from', '2026-02-30'], says: '--from "2026-02-30" is not a date' },
  'run --from without dashes': { argv: ['run', '--from', '20260101'], says: 'is not a date' },
  'run --from empty': { argv: ['run', '--from', ''], says: '--from "" is not a date' },
  'run --to injection': {
    argv: ['run', '--to', "2026-01-01' OR 1=1 --"],
    says: '--to "2026-01-01\' OR 1=1 --" is not a date',
  },
  'run --from after --to': {
    argv: ['run', '--from', '2026-01-28', '--to', '2026-01-09'],
    says: '--from 2026-01-28 is after --to 2026-01-09; swap them',
  },
  'run --to a timestamp': { argv: ['run', '--to', '2026-01-09T00:00:00Z'], says: 'is not a date' },
  'assert --from injection': { argv: ['assert', '--from', INJECT], says: 'is not a date' },
  'assert --from after --to': {
    argv: ['assert', '--from', '2026-02-01', '--to', '2026-01-01'],
    says: 'is after --to 2026-01-01',
  },
  // Concurrency and other numbers.
  'run --concurrency empty': { argv: ['run', '--concurrency', ''], says: '--concurrency "" is not a whole number' },
  'run --concurrency 1e3': { argv: ['run', '--concurrency', '1e3'], says: '--concurrency "1e3" is not a whole number' },
  'run --concurrency hex': { argv: ['run', '--concurrency', '0x10'], says: 'is not a whole number' },
  'run --concurrency 65': { argv: ['run', '--concurrency', '65'], says: 'from 1 to 64' },
  'run --concurrency injection': { argv: ['run', '--concurrency', '4; DROP'], says: 'is not a whole number' },
  '--wait abc': { argv: ['--wait', 'abc', 'run'], says: '--wait "abc" is not a number of seconds from 0 to 86400' },
  '--wait negative': { argv: ['--wait', '-1', 'run'], says: '--wait "-1" is not a number of seconds' },
  '--wait beyond a day': { argv: ['--wait', '100000', 'run'], says: 'from 0 to 86400' },
  // Backfill.
  'backfill without --reason': {
    argv: ['backfill', '--from', '2026-01-01', '--to', '2026-01-02', '--actions', 'orders_daily'],
    says: "required option '--reason <text>' not specified",
  },
  'backfill with a blank --reason': {
    argv: ['backfill', '--from', '2026-01-01', '--to', '2026-01-02', '--actions', 'orders_daily', '--reason', '  '],
    says: '--reason must say why the range is recomputed',
  },
  'backfill without --yes or --dry-run': {
    argv: ['backfill', '--from', '2026-01-01', '--to', '2026-01-02', '--actions', 'orders_daily', '--reason', 'fix'],
    says: 'run it with --dry-run first, then again with --yes',
  },
  'backfill --from not a date': {
    argv: ['backfill', '--from', 'yesterday', '--to', '2026-01-02', '--actions', 'orders_daily', '--reason', 'r'],
    says: '--from "yesterday" is not a date',
  },
  'backfill reversed range': {
    argv: [
      'backfill',
      '--from',
      '2026-01-05',
      '--to',
      '2026-01-02',
      '--actions',
      'orders_daily',
      '--reason',
      'r',
      '--yes',
    ],
    says: '--from 2026-01-05 is after --to 2026-01-02',
  },
  'backfill unknown action': {
    argv: [
      'backfill',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-02',
      '--actions',
      'orders_dayly',
      '--reason',
      'r',
      '--yes',
    ],
    says: 'did you mean "orders_daily"?',
  },
  'backfill --actions injection': {
    argv: ['backfill', '--from', '2026-01-01', '--to', '2026-01-02', '--actions', INJECT, '--reason', 'r', '--yes'],
    says: 'is not a valid action name',
  },
  'backfill --require-commit not a sha': {
    argv: [
      'backfill',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-02',
      '--actions',
      'orders_daily',
      '--reason',
      'r',
      '--require-commit',
      'zz',
      '--yes',
    ],
    says: '--require-commit "zz" is not a commit sha',
  },
  'backfill --require-commit injection': {
    argv: [
      'backfill',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-02',
      '--actions',
      'orders_daily',
      '--reason',
      'r',
      '--require-commit',
      "abc1234'; --",
      '--yes',
    ],
    says: 'is not a commit sha; give 7 to 40 hex digits',
  },
  'backfill with --actions missing': {
    argv: ['backfill', '--from', '2026-01-01', '--to', '2026-01-02', '--reason', 'r', '--yes'],
    says: "required option '--actions <names>' not specified",
  },
  // Migrations.
  'migrate up --to 99': { argv: ['migrate', 'up', '--to', '99'], says: '--to 99: there is no migration 0099' },
  'migrate up --to latest': {
    argv: ['migrate', 'up', '--to', 'latest'],
    says: '--to "latest" is not a migration number',
  },
  'migrate plan --to 0': { argv: ['migrate', 'plan', '--to', '0'], says: '--to "0" is not a migration number' },
  'migrate plan --to injection': { argv: ['migrate', 'plan', '--to', '1; DROP'], says: 'is not a migration number' },
  'status --limit 0': { argv: ['status', '--limit', '0'], says: '--limit "0" is not a whole number from 1 to 1000' },
  'status --limit abc': { argv: ['status', '--limit', 'abc'], says: '--limit "abc" is not a whole number' },
  'status --limit -5': { argv: ['status', '--limit', '-5'], says: '--limit "-5" is not a whole number' },
  'status --limit 2.5': {
    argv: ['status', '--limit', '2.5'],
    says: '--limit "2.5" is not a whole number from 1 to 1000; e.g. --limit 20',
  },
  'status --limit 1000000': { argv: ['status', '--limit', '1000000'], says: '--limit "1000000" is not a whole number' },
  'migrate status --lock-timeout abc': {
    argv: ['migrate', 'status', '--lock-timeout', 'abc'],
    says: '--lock-timeout "abc" is not a number of seconds',
  },
  'migrate up --lock-timeout negative': {
    argv: ['migrate', 'up', '--lock-timeout', '-5'],
    says: '--lock-timeout "-5" is not a number of seconds',
  },
  'migrate an unknown subcommand': { argv: ['migrate', 'down'], says: "unknown command 'down'" },
  // Seed.
  'seed --seasons 0': { argv: ['seed', '--seasons', '0'], says: '--seasons "0" is not a whole number from 1 to 10' },
  'seed --seasons 11': { argv: ['seed', '--seasons', '11'], says: 'from 1 to 10' },
  'seed --seasons 1.5': { argv: ['seed', '--seasons', '1.5'], says: 'is not a whole number' },
  'seed --seed abc': { argv: ['seed', '--seed', 'abc'], says: '--seed "abc" is not a whole number' },
  'seed --seed injection': { argv: ['seed', '--seed', "42'; DROP"], says: 'is not a whole number' },
  'seed --through February 30': {
    argv: ['seed', '--through', '2026-02-30'],
    says: '--through "2026-02-30" is not a date',
  },
  // Reports.
  'report unknown name': { argv: ['report', 'hit-rat'], says: 'hit-rat' },
  'report name injection': { argv: ['report', INJECT], says: 'DROP TABLE' },
  'report parameter injection': {
    argv: ['report', 'orders', '--country', "FR' OR 1=1 --"],
    says: 'is not a value matching /^[A-Z]{2}$/',
  },
  'report unknown parameter': { argv: ['report', 'orders', '--contry', 'FR'], says: 'did you mean "--country"?' },
  'report unknown grouping': { argv: ['report', 'orders', '--by', 'week'], says: 'week' },
  'report grouping injection': { argv: ['report', 'orders', '--by', INJECT], says: 'DROP TABLE' },
  'report --from not a date': {
    argv: ['report', 'orders', '--from', '2026-1-1'],
    says: '--from "2026-1-1" is not a date',
  },
  'report two names': { argv: ['report', 'orders', 'orders'], says: 'report takes one report name' },
  'report a parameter twice': {
    argv: ['report', 'orders', '--country', 'FR', '--country', 'US'],
    says: 'report parameter --country is given twice',
  },
  'report a parameter without a value': {
    argv: ['report', 'orders', '--param', 'country'],
    says: '--param country: give a report parameter',
  },
  'report a parameter without a report': {
    argv: ['report', '--country', 'FR'],
    says: 'report parameters need a report name',
  },
  // Globals and commands.
  'unknown engine': {
    argv: ['--engine', 'postgres', 'run'],
    says: '--engine "postgres" is not an engine; use duckdb or bigquery',
  },
  'empty engine': { argv: ['--engine', '', 'run'], says: 'is not an engine' },
  'empty project': { argv: ['--project', '', 'run'], says: '--project is empty' },
  'unknown command': { argv: ['frobnicate'], says: "unknown command 'frobnicate'" },
  'unknown flag': { argv: ['run', '--no-such-flag'], says: "unknown option '--no-such-flag'" },
  'excess argument': { argv: ['run', 'orders_daily'], says: 'too many arguments' },
  'lineage --format svg': {
    argv: ['lineage', '--format', 'svg'],
    says: '--format "svg" is not supported; use mermaid or dot',
  },
  '--warehouse an empty file': {
    argv: ['run'],
    warehouse: { path: `${DIR}/empty.duckdb` },
    says: 'is an empty file, not a DuckDB warehouse',
  },
  '--warehouse a text file': {
    argv: ['run'],
    warehouse: { path: `${DIR}/notes.txt` },
    says: 'is not a DuckDB database file',
  },
  '--warehouse a device': { argv: ['run'], warehouse: { path: '/dev/null' }, says: 'is under /dev' },
  '--warehouse a process file': {
    argv: ['report', 'orders'],
    warehouse: { path: '/proc/1/environ' },
    says: 'is under /proc',
  },
  'migrate status on a folder': {
    argv: ['migrate', 'status'],
    warehouse: { path: DIR },
    says: 'is a folder, not a warehouse file',
  },
}

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m

let scratch = ''
let built = ''
let unmigrated = ''

async function buildShopWarehouse(path: string): Promise<void> {
  const adapter = await DuckDbAdapter.open({ path })
  await adapter.execute(`CREATE SCHEMA raw;
    CREATE TABLE raw.raw_customers AS SELECT * FROM (VALUES (1, 'fr'), (2, 'us')) t(customer_id, country);
    CREATE TABLE raw.raw_orders AS SELECT * FROM (VALUES (DATE '2026-01-01', 1, 10.0), (DATE '2026-01-02', 2, 5.0)) t(order_date, customer_id, amount)`)
  await adapter.close()
  const run = await runCli(['--project', fixturePath('shop'), '--warehouse', path, 'run'])
  expect(run.code, run.stderr).toBe(0)
}

/** sha256 of every file in the warehouse's folder (name and bytes): unchanged means nothing was written. */
function folderDigest(path: string): string {
  const dir = dirname(path)
  const hash = createHash('sha256')
  for (const name of readdirSync(dir).sort()) {
    hash.update(name)
    hash.update(readFileSync(join(dir, name)))
  }
  return hash.digest('hex')
}

function argvOf(c: Case): string[] {
  const project = c.project === 'nba' ? REPO_ROOT : fixturePath('shop')
  const warehouse =
    c.warehouse === undefined || c.warehouse === 'built'
      ? built
      : c.warehouse === 'unmigrated'
        ? unmigrated
        : c.warehouse.path.replace(DIR, scratch)
  const globals = [
    ...(c.argv.includes('--project') ? [] : ['--project', project]),
    ...(c.argv.includes('--warehouse') ? [] : ['--warehouse', warehouse]),
  ]
  return [...globals, ...c.argv.map((a) => a.replace(DIR, scratch).replace(W, warehouse))]
}

describe('the bad-input corpus (issue 15)', () => {
  beforeAll(async () => {
    scratch = scratchDir('pipeline-corpus-')
    writeFileSync(join(scratch, 'a-file'), 'not a folder')
    writeFileSync(join(scratch, 'empty.duckdb'), '')
    writeFileSync(join(scratch, 'notes.txt'), 'meeting notes, not a warehouse, long enough to hold a header')
    const builtDir = join(scratch, 'built')
    mkdirSync(builtDir)
    built = join(builtDir, 'warehouse.duckdb')
    await buildShopWarehouse(built)
    const unmigratedDir = join(scratch, 'unmigrated')
    mkdirSync(unmigratedDir)
    unmigrated = join(unmigratedDir, 'warehouse.duckdb')
    const adapter = await DuckDbAdapter.open({ path: unmigrated })
    await adapter.execute('CREATE TABLE t AS SELECT 1 AS a')
    await adapter.close()
  }, 120_000)

  it('holds at least 70 cases', () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(70)
  })

  it.each(Object.entries(CASES))(
    '%s: refused with its exit code and a clear message, nothing written',
    async (_name, c) => {
      const before = { built: folderDigest(built), unmigrated: folderDigest(unmigrated) }
      const result = await runCli(argvOf(c))
      expect(result.code, result.stderr).toBe(c.code ?? 2)
      if (typeof c.says === 'string') expect(result.stderr).toContain(c.says)
      else expect(result.stderr).toMatch(c.says)
      expect(result.stderr).toMatch(/^error/m)
      expect(result.stderr).not.toMatch(STACK_FRAME)
      expect(result.stderr).not.toContain('internal error')
      expect(folderDigest(built)).toBe(before.built)
      expect(folderDigest(unmigrated)).toBe(before.unmigrated)
    },
  )
})

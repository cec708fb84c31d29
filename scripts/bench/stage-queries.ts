/**
 * The query part of every stage statement of two dry-run plans, alternated statement by statement on one
 * copy of a built warehouse: CPU milliseconds of the process (DuckDB's threads included) and whether the
 * two produce the same rows. A micro-benchmark of the definitions' SQL alone: the engine, the staging
 * table's write to the file and the checks are left out (`CREATE TEMP TABLE ... AS <query>`).
 *
 *   node bin/pipeline.js --json --warehouse COPY.duckdb run --dry-run --restate --from 2024-10-01 --to 2026-02-01 > PLAN.json
 *   npx tsx scripts/bench/stage-queries.ts --before BEFORE.json --after AFTER.json --warehouse BUILT.duckdb
 *     [--actions a,b] [--runs 5] [--threads 1]
 *
 * Same rows = same row count and the same bit_xor of the row hashes, over every column but those the run
 * sets (ids, clocks, build), so float columns must be equal to the bit.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import type { DuckDBConnection } from '@duckdb/node-api'
import type { ParamValue } from '../../src/engines/adapter.js'
import type { PlanJson } from '../../src/runner/plan-json.js'
import { median } from './measure.js'

/** Columns whose values come from the run (parameters, uuid(), current_timestamp), not from the data. */
const RUN_COLUMNS = new Set([
  'build_commit_sha',
  'grading_commit_sha',
  'deployment_revision',
  'run_id',
  'feature_source_mode',
  'processed_at',
  'updated_at',
  'created_at',
  'predicted_at',
  'graded_at',
  'prediction_id',
  'execution_id',
])

interface StageQuery {
  readonly action: string
  readonly interval: string
  readonly sql: string
  readonly params: Record<string, ParamValue>
}

function option(name: string, fallback?: string): string {
  const i = process.argv.indexOf(name)
  const value = i >= 0 ? process.argv[i + 1] : fallback
  if (value === undefined) throw new Error(`${name} is required; see the usage at the top of this file`)
  return value
}

function stageQueries(file: string, actions: readonly string[] | null): StageQuery[] {
  const plan = (JSON.parse(readFileSync(file, 'utf8')) as { plan: PlanJson[] }).plan
  return plan
    .filter((p) => actions === null || actions.includes(p.action))
    .flatMap((p) =>
      p.batches.flatMap((b) =>
        b.steps
          .filter((s) => s.role === 'stage' && s.sql.length > 0)
          .map((s) => {
            const sql = (s.sql[0] as string).replace(/^CREATE OR REPLACE (TEMP )?TABLE \S+ AS/, '')
            const params = Object.fromEntries(
              Object.entries(b.params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)),
            )
            return { action: p.action, interval: b.interval?.start ?? '-', sql, params }
          }),
      ),
    )
}

async function runQuery(connection: DuckDBConnection, query: StageQuery): Promise<number> {
  const before = process.cpuUsage()
  await connection.run(`CREATE OR REPLACE TEMP TABLE stage_query AS ${query.sql}`, query.params as never)
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000
}

async function rowsKey(connection: DuckDBConnection): Promise<string> {
  const columns = (
    await connection.runAndReadAll(
      "SELECT column_name FROM duckdb_columns() WHERE table_name = 'stage_query' AND database_name = 'temp'",
    )
  )
    .getRows()
    .map((r) => String(r[0]))
    .filter((c) => !RUN_COLUMNS.has(c))
  const reader = await connection.runAndReadAll(
    `SELECT count(*), bit_xor(hash(${columns.map((c) => `"${c}"`).join(', ')})) FROM stage_query`,
  )
  return reader.getRows()[0]?.map(String).join('/') ?? ''
}

async function main(): Promise<void> {
  const actionList = option('--actions', 'all')
  const actions = actionList === 'all' ? null : actionList.split(',')
  const [before, after] = [stageQueries(option('--before'), actions), stageQueries(option('--after'), actions)]
  if (before.length !== after.length) throw new Error('the two plans have different stage statements')
  const runs = Number(option('--runs', '5'))
  const dir = mkdtempSync(join(tmpdir(), 'bench-stage-'))
  const copy = join(dir, 'warehouse.duckdb')
  copyFileSync(option('--warehouse'), copy)
  const instance = await DuckDBInstance.create(copy, { threads: option('--threads', '1') })
  const connection = await instance.connect()
  let totalBefore = 0
  let totalAfter = 0
  try {
    console.log('| action | batch from | before: CPU ms median (min) | after | rows |\n| --- | --- | --- | --- | --- |')
    for (const [i, pair] of before.map((b, i) => [b, after[i] as StageQuery] as const).entries()) {
      const times: number[][] = [[], []]
      const keys: string[] = []
      for (let run = 0; run < runs; run++)
        for (const [side, query] of pair.entries()) {
          times[side]?.push(await runQuery(connection, query))
          if (run === 0) keys.push(await rowsKey(connection))
        }
      const [b, a] = times as [number[], number[]]
      totalBefore += median(b)
      totalAfter += median(a)
      const same = keys[0] === keys[1] ? 'same' : `DIFFERENT (${keys.join(' vs ')})`
      console.log(
        `| ${before[i]?.action} | ${before[i]?.interval} | ${median(b).toFixed(0)} (${Math.min(...b).toFixed(0)}) | ${median(a).toFixed(0)} (${Math.min(...a).toFixed(0)}) | ${same} |`,
      )
    }
    console.log(`| total of medians | | ${totalBefore.toFixed(0)} | ${totalAfter.toFixed(0)} | |`)
    console.log(`\nload average at the end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`)
  } finally {
    connection.closeSync()
    instance.closeSync()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()

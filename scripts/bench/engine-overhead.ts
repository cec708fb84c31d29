/**
 * Engine overhead: the feature store and the predictions rebuilt over the whole sample (--restate) by
 * the engine, next to the same statements replayed as raw SQL on one DuckDB connection.
 *
 *   npx tsx scripts/bench/engine-overhead.ts [--warehouse BUILT.duckdb] [--runs N]
 *
 * The plan comes from the engine itself (`run --dry-run`): every stage, check, write, hook and verify
 * statement of every batch, with its parameters. "raw" sends exactly those, in order, on a fresh copy of
 * the built warehouse; "engine" is runPipeline on another copy (planning reads, check judging, state
 * bookkeeping: runs, action runs, intervals, check results). Both run in this process, alternated, after
 * the warehouse is open and the project compiled (start-up is startup.ts's figure). Without --warehouse,
 * a fresh `start` builds one first.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { compileProject } from '../../src/compiler/compile.js'
import { loadProject } from '../../src/compiler/load.js'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import type { PlanJson } from '../../src/runner/plan-json.js'
import { createRunInfo } from '../../src/runner/run-info.js'
import { runPipeline } from '../../src/runner/run.js'
import { median } from './measure.js'

const ACTIONS = ['ml_feature_store_v2', 'player_prop_predictions']

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

function runOptions(graph: CompiledGraph, adapter: DuckDbAdapter, dryRun: boolean) {
  const run = createRunInfo({ root: process.cwd(), env: { BUILD_COMMIT_SHA: 'bench' } })
  return { graph, adapter, run, selection: { actions: ACTIONS }, restate: true, dryRun, runsDir: null }
}

async function enginePass(graph: CompiledGraph, warehouse: string): Promise<number> {
  const adapter = await DuckDbAdapter.open({ path: warehouse })
  try {
    const started = performance.now()
    const result = await runPipeline(runOptions(graph, adapter, false))
    const ms = performance.now() - started
    if (!result.ok) throw new Error(`engine run failed: ${JSON.stringify(result.actions.map((a) => a.error))}`)
    return ms
  } finally {
    await adapter.close()
  }
}

async function rawPass(plan: readonly PlanJson[], warehouse: string): Promise<{ ms: number; statements: number }> {
  const instance = await DuckDBInstance.create(warehouse)
  const connection = await instance.connect()
  let statements = 0
  const send = async (sql: string, params: Readonly<Record<string, unknown>>) => {
    const used = Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)))
    statements++
    await (Object.keys(used).length
      ? connection.run(sql, used as Record<string, string | number | boolean | null>)
      : connection.run(sql))
  }
  try {
    const started = performance.now()
    for (const action of plan)
      for (const batch of action.batches)
        for (const step of batch.steps) {
          if (step.kind === 'transaction') await connection.run('BEGIN TRANSACTION')
          for (const sql of step.sql) await send(sql, batch.params)
          if (step.kind === 'transaction') await connection.run('COMMIT')
        }
    return { ms: performance.now() - started, statements }
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

async function main(): Promise<void> {
  const runs = Number(option('--runs') ?? '3')
  const dir = mkdtempSync(join(tmpdir(), 'bench-overhead-'))
  try {
    let built = option('--warehouse')
    if (!built) {
      built = join(dir, 'built.duckdb')
      execFileSync('node', ['bin/pipeline.js', 'start'], {
        env: { ...process.env, PIPELINE_WAREHOUSE: built, BUILD_COMMIT_SHA: 'bench' },
        stdio: 'ignore',
      })
    }
    const graph = compileProject(await loadProject(process.cwd()), duckDbDialect)
    const planCopy = join(dir, 'plan.duckdb')
    copyFileSync(built, planCopy)
    const adapter = await DuckDbAdapter.open({ path: planCopy })
    const { plan } = await runPipeline(runOptions(graph, adapter, true))
    await adapter.close()
    if (!plan) throw new Error('the dry run returned no plan')
    const engine: number[] = []
    const raw: number[] = []
    let statements = 0
    for (let i = 0; i < runs; i++) {
      const rawCopy = join(dir, `raw-${i}.duckdb`)
      copyFileSync(built, rawCopy)
      const r = await rawPass(plan, rawCopy)
      raw.push(r.ms)
      statements = r.statements
      const engineCopy = join(dir, `engine-${i}.duckdb`)
      copyFileSync(built, engineCopy)
      engine.push(await enginePass(graph, engineCopy))
      process.stderr.write(
        `run ${i + 1}/${runs}: raw ${(r.ms / 1000).toFixed(2)} s, engine ${((engine.at(-1) ?? 0) / 1000).toFixed(2)} s\n`,
      )
    }
    const batches = plan.reduce((n, p) => n + p.batches.length, 0)
    console.log(`${ACTIONS.join(' + ')}, --restate over the sample: ${batches} batches, ${statements} statements`)
    console.log(`| pass | median | min–max |\n| --- | --- | --- |`)
    for (const [name, v] of [
      ['raw SQL replay', raw],
      ['engine (runPipeline)', engine],
    ] as const)
      console.log(
        `| ${name} | ${(median(v) / 1000).toFixed(2)} s | ${(Math.min(...v) / 1000).toFixed(2)}–${(Math.max(...v) / 1000).toFixed(2)} s |`,
      )
    console.log(`\nengine / raw = ${(median(engine) / median(raw)).toFixed(2)}`)
    console.log(`load average at the end: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()

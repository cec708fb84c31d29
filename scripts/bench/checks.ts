/**
 * An audit's checks sent one statement per check (as before issue 12's check work) against the same checks
 * sent together (checkStatements: one UNION ALL statement, checks over the same rows in one scan), alternated
 * round by round in one process on a copy of a built warehouse. A micro-benchmark of the check SQL alone:
 * each incremental action's rows of one batch range are copied into a table of the copy (as a batch is staged), and
 * its inline checks are rendered against it as the audit renders them. Reports wall and CPU milliseconds of
 * the process per round (DuckDB's threads included) and checks that both give the same summary rows.
 *
 *   npx tsx scripts/bench/checks.ts --warehouse BUILT.duckdb [--from 2025-01-01] [--to 2025-02-01] [--runs 7] [--threads N]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkPartitionColumn, compileProject } from '../../src/compiler/compile.js'
import { loadProject } from '../../src/compiler/load.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import { checkStatements, splitRows } from '../../src/runner/check-statements.js'
import { checkParams, renderCheck } from '../../src/runner/evaluate-checks.js'
import type { RenderedCheck } from '../../src/runner/evaluate-checks.js'
import { median } from './measure.js'

function option(name: string, fallback?: string): string {
  const i = process.argv.indexOf(name)
  const value = i >= 0 ? process.argv[i + 1] : fallback
  if (value === undefined) throw new Error(`${name} is required; see the usage at the top of this file`)
  return value
}

async function main(): Promise<void> {
  const from = option('--from', '2025-01-01')
  const to = option('--to', '2025-02-01')
  const runs = Number(option('--runs', '7'))
  const threads = process.argv.includes('--threads') ? Number(option('--threads')) : undefined
  const dir = mkdtempSync(join(tmpdir(), 'bench-checks-'))
  const path = join(dir, 'warehouse.duckdb')
  copyFileSync(option('--warehouse'), path)
  const graph = compileProject(await loadProject(process.cwd()), duckDbDialect)
  const adapter = await DuckDbAdapter.open({ path, ...(threads ? { threads } : {}) })
  try {
    const byName = new Map(graph.actions.map((a) => [a.name, a]))
    const params = checkParams({ interval_start: from, interval_end: to, run_started_at: `${to}T06:00:00.000Z` })
    const audits: { action: string; checks: RenderedCheck[] }[] = []
    for (const action of graph.actions) {
      const column = action.kind === 'incremental' ? checkPartitionColumn(action.definition) : null
      if (action.kind !== 'incremental' || !column || action.checks.length === 0 || !action.target) continue
      const staged = `"main"."bench__${action.name}"`
      const q = duckDbDialect.quoteIdentifier(column)
      await adapter.execute(
        `CREATE OR REPLACE TABLE ${staged} AS SELECT * FROM ${duckDbDialect.formatTarget(action.target)} WHERE ${q} >= DATE '${from}' AND ${q} < DATE '${to}'`,
      )
      const checks = action.checks.map((c) =>
        renderCheck(
          { name: c.name, action: action.name, definition: c.definition },
          {
            dialect: duckDbDialect,
            relation: staged,
            partitionColumn: column,
            resolveRelation: (name) => duckDbDialect.formatTarget(byName.get(name)!.target!),
            restrictToInterval: true,
          },
        ),
      )
      audits.push({ action: action.name, checks })
    }
    const statements = audits.map((a) => checkStatements(duckDbDialect, a.checks))
    const sent = { separate: 0, together: 0 }
    // Each row as its columns sorted by name, values as the evaluator reads them (numbers, BIGINT as a number).
    const summary = (rows: readonly Record<string, unknown>[]) =>
      rows
        .map((r) =>
          JSON.stringify(
            Object.keys(r)
              .sort()
              .map((k) => [k, typeof r[k] === 'bigint' ? Number(r[k]) : r[k]]),
          ),
        )
        .sort()
    const separate = async () => {
      const out: string[][] = []
      for (const audit of audits)
        for (const check of audit.checks) {
          out.push(summary(await adapter.query(check.query.summarySql, { params })))
          sent.separate++
        }
      return out
    }
    const together = async () => {
      const out: string[][] = []
      for (const [a, audit] of audits.entries())
        for (const statement of statements[a]!) {
          const rows = await adapter.query(statement.sql, { params })
          sent.together++
          for (const [, own] of splitRows(statement, audit.checks, rows)) out.push(summary(own))
        }
      return out
    }
    const [one, all] = [await separate(), await together()]
    const differing = one.flatMap((rows, i) => rows.filter((row, j) => row !== all[i]?.[j]))
    if (differing.length) throw new Error(`the two ways gave different summary rows, e.g. ${differing[0]}`)
    const timings: Record<'separate' | 'together', { wall: number[]; cpu: number[] }> = {
      separate: { wall: [], cpu: [] },
      together: { wall: [], cpu: [] },
    }
    for (let round = 0; round < runs; round++) {
      for (const [name, run] of [
        ['separate', separate],
        ['together', together],
      ] as const) {
        const cpu = process.cpuUsage()
        const start = performance.now()
        await run()
        timings[name].wall.push(performance.now() - start)
        const used = process.cpuUsage(cpu)
        timings[name].cpu.push((used.user + used.system) / 1000)
      }
    }
    const checks = audits.reduce((n, a) => n + a.checks.length, 0)
    const perRound = { separate: sent.separate / (runs + 1), together: sent.together / (runs + 1) }
    console.log(`${audits.length} audits, ${checks} checks over ${from}..${to} (exclusive), ${runs} rounds alternated`)
    console.log('| how | statements per round | wall ms, median (min–max) | CPU ms, median |')
    console.log('| --- | --- | --- | --- |')
    for (const name of ['separate', 'together'] as const) {
      const { wall, cpu } = timings[name]
      console.log(
        `| ${name} | ${perRound[name]} | ${median(wall).toFixed(0)} (${Math.min(...wall).toFixed(0)}–${Math.max(...wall).toFixed(0)}) | ${median(cpu).toFixed(0)} |`,
      )
    }
    console.log(
      `together ÷ separate: wall ${(median(timings.together.wall) / median(timings.separate.wall)).toFixed(2)}, CPU ${(median(timings.together.cpu) / median(timings.separate.cpu)).toFixed(2)}; the same summary rows`,
    )
  } finally {
    await adapter.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()

import { Command } from 'commander'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { writeHtmlReport } from './report-html.js'
import { applyMigrations } from '../../migrate/index.js'
import type { CompiledGraph } from '../../compiler/compiled.js'
import type { Adapter } from '../../engines/adapter.js'
import { formatProfile } from '../../runner/profile.js'
import { createProgressFile } from '../../runner/progress-file.js'
import type { ProgressFileWriter } from '../../runner/progress-file.js'
import { runPipeline } from '../../runner/run.js'
import { countAllRowsSql } from '../../runner/staging.js'
import type { RunResult } from '../../runner/result.js'
import { createRunInfo } from '../../runner/run-info.js'
import type { CliContext } from '../cli-context.js'
import { EXIT } from '../cli-context.js'
import { handle, printJson, logRetries, runAdapterOptions } from '../command-kit.js'
import { openWarehouse } from '../open-warehouse.js'
import type { ExitHolder } from '../command-kit.js'
import { createProgress } from '../progress.js'
import { printRunSummary } from '../run-summary.js'
import { seedSources } from './seed.js'
import { formatReport, loadReports, runReport } from '../../reports/run-report.js'

/** Declarations whose tables are missing: on a fresh warehouse, the sample must be generated. */
async function missingSources(graph: CompiledGraph, adapter: Adapter): Promise<string[]> {
  const missing: string[] = []
  for (const action of graph.actions) {
    if (action.kind === 'declaration' && action.target && !(await adapter.tableExists(action.target)))
      missing.push(action.name)
  }
  return missing
}

/** Rows in every table the run built, for the summary. */
async function tableRows(graph: CompiledGraph, adapter: Adapter): Promise<{ table: string; rows: number }[]> {
  const out: { table: string; rows: number }[] = []
  for (const action of graph.actions) {
    if (action.kind !== 'table' && action.kind !== 'incremental') continue
    if (!(await adapter.tableExists(action.target))) continue
    const dateColumn = action.kind === 'incremental' ? action.definition.interval.column : undefined
    const [row] = await adapter.query<{ n: number }>(countAllRowsSql(adapter.dialect, action.target, dateColumn))
    out.push({ table: `${action.target.dataset}.${action.target.name}`, rows: Number(row?.n ?? 0) })
  }
  return out
}

function printChecks(context: CliContext, result: RunResult): void {
  const byAssertion = new Map<string, { severity: string; passed: number; failed: number; skipped: number }>()
  for (const check of result.actions.flatMap((a) => a.checks)) {
    const entry = byAssertion.get(check.assertion) ?? { severity: check.severity, passed: 0, failed: 0, skipped: 0 }
    if (check.skipped) entry.skipped++
    else if (check.passed) entry.passed++
    else entry.failed++
    byAssertion.set(check.assertion, entry)
  }
  context.io.stdout('\nassertions (partitions passed / failed / skipped):\n')
  for (const [name, e] of [...byAssertion].sort(([a], [b]) => a.localeCompare(b))) {
    const verdict = e.failed === 0 ? 'pass' : e.severity === 'error' ? 'FAIL' : 'warn'
    context.io.stdout(`  ${verdict.padEnd(4)} ${name.padEnd(70)} ${e.passed} / ${e.failed} / ${e.skipped}\n`)
  }
}

/**
 * The HTML report of the project's charts at .pipeline/report.html, rewritten when the run wrote rows
 * (or the page is missing), so a second start with nothing to build stays fast. Never fails the start.
 */
async function writeStartReport(
  context: CliContext,
  graph: CompiledGraph,
  adapter: Adapter,
  root: string,
  result: RunResult,
): Promise<{ path: string | null; message: string } | null> {
  const out = join(root, '.pipeline', 'report.html')
  const wrote = result.actions.some((a) => (a.rowsWritten ?? 0) > 0)
  if (!wrote && existsSync(out)) return { path: out, message: `HTML report (unchanged): ${out}` }
  try {
    const charts = await writeHtmlReport(graph, adapter, { root, out, now: context.now() })
    return { path: out, message: `HTML report: ${out} (${charts} charts)` }
  } catch (error) {
    return { path: null, message: `HTML report: not written (${(error as Error).message.split('\n')[0]})` }
  }
}

/** The project's summary report (e.g. the hit rate), when it defines one and its tables exist. */
async function printSummaryReport(context: CliContext, graph: CompiledGraph, adapter: Adapter): Promise<void> {
  const summary = graph.project.summaryReport
  if (!summary) return
  try {
    const reports = await loadReports(graph.root)
    const result = await runReport({
      graph,
      adapter,
      reports,
      request: { name: summary.name, ...(summary.by ? { by: summary.by } : {}) },
    })
    context.io.stdout(`\n${summary.name}${summary.by ? ` by ${summary.by}` : ''}:\n${formatReport(result)}`)
  } catch (error) {
    context.io.stdout(`\n${summary.name}: not available (${(error as Error).message.split('\n')[0]})\n`)
  }
}

/** Apply pending migrations and seed the sample when sources are missing, saying so on stderr and in the run file. */
async function prepareWarehouse(
  context: CliContext,
  graph: CompiledGraph,
  adapter: Adapter,
  globals: { readonly root: string; readonly warehouse: string; readonly engine: string },
  progressFile: ProgressFileWriter,
): Promise<void> {
  const log = (m: string) => context.io.stderr(`${m}\n`)
  log(`${graph.project.name}: warehouse ${globals.warehouse} (${globals.engine})`)
  progressFile.step('applying migrations')
  const migrated = await applyMigrations(adapter, {
    root: globals.root,
    stateDataset: graph.project.stateDataset,
    onEvent: (e) => e.type === 'applied' && log(`migration ${e.version} ${e.name} applied (${e.durationMs} ms)`),
  })
  log(
    migrated.applied.length
      ? `applied ${migrated.applied.length} migration(s)`
      : `schema up to date (${migrated.alreadyApplied} migrations applied earlier)`,
  )
  const missing = await missingSources(graph, adapter)
  if (missing.length === 0) return
  log(`sources missing (${missing.join(', ')}): generating the sample warehouse`)
  progressFile.step('seeding the sample')
  const started = performance.now()
  await seedSources(graph, adapter, {}, (m) => {
    log(`seed: ${m}`)
    progressFile.step(`seeding the sample: ${m}`)
  })
  log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

export function startCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('start')
    .description(
      'the whole job on the local warehouse: migrate, seed the sample if sources are missing, run the DAG, summarise',
    )
    .option('--profile', "record every statement's kind, duration and rows in .pipeline/runs/<run_id>.json")
  return command.action(
    handle<{ profile?: boolean }>(
      command,
      context,
      exit,
      async (flags, globals) => {
        const graph = await context.compile(globals)
        const run = createRunInfo({ root: globals.root, env: context.env, now: context.now() })
        const adapter = await openWarehouse(context, globals, {
          ...runAdapterOptions(graph, 'start', run, { onRetry: logRetries(context) }),
          command: 'start',
          runId: run.id,
        })
        // The run file exists from the start, so `status` in another terminal shows the migrations and
        // the seeding (minutes on BigQuery) before the first action; the run then goes on writing it.
        const progressFile = createProgressFile({
          dir: join(globals.root, '.pipeline', 'runs'),
          run,
          command: 'start',
          skipAssertions: false,
          reason: null,
        })
        try {
          await prepareWarehouse(context, graph, adapter, globals, progressFile)
        } catch (error) {
          progressFile.abort(error instanceof Error ? error.message : String(error))
          await adapter.close()
          throw error
        }
        try {
          const progress = createProgress(context.io)
          const result = await runPipeline({
            graph,
            adapter,
            run,
            progressFile,
            onEvent: progress.onEvent,
            profile: flags.profile ?? false,
          })
          progress.done()
          const rows = await tableRows(graph, adapter)
          const report = await writeStartReport(context, graph, adapter, globals.root, result)
          if (globals.json) {
            printJson(context, { run: result, tables: rows, report })
          } else {
            context.io.stdout('\ntables:\n')
            for (const t of rows) context.io.stdout(`  ${t.table.padEnd(55)} ${String(t.rows).padStart(9)} rows\n`)
            printChecks(context, result)
            await printSummaryReport(context, graph, adapter)
            context.io.stdout('\n')
            printRunSummary(context.io, result)
            if (result.profile) context.io.stdout(formatProfile(result.profile))
            if (report) context.io.stdout(`${report.message}\n`)
          }
          return result.ok ? EXIT.ok : EXIT.failed
        } finally {
          await adapter.close()
        }
      },
      { warehouse: 'write' },
    ),
  )
}

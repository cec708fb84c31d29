import { Command } from 'commander'
import { join } from 'node:path'
import { applyMigrations } from '../../migrate/index.js'
import type { CompiledGraph } from '../../compiler/compiled.js'
import type { Adapter } from '../../engines/adapter.js'
import { relationsExist } from '../../engines/adapter.js'
import { formatProfile } from '../../runner/profile.js'
import { createProgressFile } from '../../runner/progress-file.js'
import type { ProgressFileWriter } from '../../runner/progress-file.js'
import { runPipeline } from '../../runner/run.js'
import { createRunInfo } from '../../runner/run-info.js'
import type { RunInfo } from '../../runner/run-info.js'
import type { CliContext } from '../cli-context.js'
import { EXIT } from '../cli-context.js'
import { handle, printJson, logRetries, runAdapterOptions, warnUnknownBuild } from '../command-kit.js'
import { openWarehouse } from '../open-warehouse.js'
import type { ExitHolder } from '../command-kit.js'
import { createProgress } from '../progress.js'
import { printRunSummary } from '../run-summary.js'
import { PhaseClock } from '../phase-clock.js'
import { seedSources } from './seed.js'
import { finishStartOutputs, printChecks, queryStartReport, summaryReportText, tableRows } from '../start-summary.js'

/** Declarations whose tables are missing: on a fresh warehouse, the sample must be generated. */
async function missingSources(graph: CompiledGraph, adapter: Adapter): Promise<string[]> {
  const declarations = graph.actions.filter((a) => a.kind === 'declaration')
  const exists = await relationsExist(
    adapter,
    declarations.map((a) => a.target),
  )
  return declarations.filter((_, i) => !exists[i]).map((a) => a.name)
}

/** Apply pending migrations and seed the sample when sources are missing, saying so on stderr and in the run file. */
async function prepareWarehouse(
  context: CliContext,
  graph: CompiledGraph,
  adapter: Adapter,
  globals: { readonly root: string; readonly warehouse: string; readonly engine: string },
  run: RunInfo,
  progressFile: ProgressFileWriter,
  clock?: PhaseClock,
): Promise<void> {
  const log = (m: string) => context.io.stderr(`${m}\n`)
  log(`${graph.project.name}: warehouse ${globals.warehouse} (${globals.engine})`)
  progressFile.step('applying migrations')
  const migrated = await applyMigrations(adapter, {
    root: globals.root,
    stateDataset: graph.project.stateDataset,
    buildCommitSha: run.buildCommitSha,
    onEvent: (e) => e.type === 'applied' && log(`migration ${e.version} ${e.name} applied (${e.durationMs} ms)`),
  })
  log(
    migrated.applied.length
      ? `applied ${migrated.applied.length} migration(s)`
      : `schema up to date (${migrated.alreadyApplied} migrations applied earlier)`,
  )
  clock?.mark('migrations')
  const missing = await missingSources(graph, adapter)
  clock?.mark('sources check')
  if (missing.length === 0) return
  log(`sources missing (${missing.join(', ')}): generating the sample warehouse`)
  progressFile.step('seeding the sample')
  const started = performance.now()
  await seedSources(graph, adapter, {}, (m) => {
    log(`seed: ${m}`)
    progressFile.step(`seeding the sample: ${m}`)
  })
  clock?.mark('seed')
  log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

export function startCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('start')
    .description(
      'the whole job on the local warehouse: migrate, seed the sample if sources are missing, run the DAG, summarise',
    )
    .option(
      '--profile',
      "record every statement's kind, duration and rows in .pipeline/runs/<run_id>.json; print the process's phases",
    )
  return command.action(
    handle<{ profile?: boolean }>(
      command,
      context,
      exit,
      async (flags, globals) => {
        const clock = flags.profile ? new PhaseClock() : undefined
        const graph = await context.compile(globals)
        clock?.mark('compile')
        const run = createRunInfo({ root: globals.root, env: context.env, now: context.now() })
        warnUnknownBuild(context, run)
        const adapter = await openWarehouse(context, globals, {
          ...runAdapterOptions(graph, 'start', run, { onRetry: logRetries(context) }),
          command: 'start',
          runId: run.id,
        })
        clock?.mark('open')
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
          await prepareWarehouse(context, graph, adapter, globals, run, progressFile, clock)
        } catch (error) {
          progressFile.abort(error instanceof Error ? error.message : String(error))
          await adapter.close()
          throw error
        }
        let exit: number
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
          clock?.mark('run')
          const rows = await tableRows(graph, adapter)
          const summary = globals.json ? '' : await summaryReportText(graph, adapter)
          clock?.mark('counts and summary report')
          const draft = await queryStartReport(context, graph, adapter, globals.root, result)
          clock?.mark('HTML report queries')
          const report = await finishStartOutputs(adapter, draft)
          clock?.mark('HTML report drawn and checkpoint')
          if (globals.json) {
            printJson(context, { run: result, tables: rows, report })
          } else {
            context.io.stdout('\ntables:\n')
            for (const t of rows) context.io.stdout(`  ${t.table.padEnd(55)} ${String(t.rows).padStart(9)} rows\n`)
            printChecks(context, result)
            context.io.stdout(summary)
            context.io.stdout('\n')
            printRunSummary(context.io, result)
            if (result.profile) context.io.stdout(formatProfile(result.profile))
            if (report) context.io.stdout(`${report.message}\n`)
          }
          exit = result.ok ? EXIT.ok : EXIT.failed
        } finally {
          await adapter.close()
        }
        clock?.mark('close')
        if (clock && !globals.json) context.io.stdout(clock.format())
        return exit
      },
      { warehouse: 'write' },
    ),
  )
}

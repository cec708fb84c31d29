import type { Command } from 'commander'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UNKNOWN_BUILD_COMMIT } from '../build/build-info.js'
import type { RetryEvent } from '../engines/bigquery/bigquery-retry.js'
import type { CompiledGraph } from '../compiler/compiled.js'
import { CompileError, ConfigError, PipelineError, formatIssue } from '../core/errors.js'
import type { AdapterOptions } from '../engines/create-engine.js'
import { runLabels } from '../engines/job-labels.js'
import type { RunInfo } from '../runner/run-info.js'
import type { CliContext, GlobalOptions } from './cli-context.js'
import { EXIT, resolveGlobals } from './cli-context.js'
import { releaseHolders } from './warehouse-holder.js'
import { checkWarehousePath } from './warehouse-path.js'

/** Holds the exit code a command's action decided. */
export interface ExitHolder {
  code: number
}

/** What a command does with the warehouse, so a bad `--warehouse` is refused before the project loads. */
export interface HandleOptions {
  /** 'write' or 'read': check the DuckDB path first (exit 2 when it cannot be a warehouse). */
  readonly warehouse?: 'read' | 'write'
}

/** Wrap a command handler: resolve globals, map errors to exit codes, print messages. */
export function handle<O>(
  command: Command,
  context: CliContext,
  exit: ExitHolder,
  handler: (options: O, globals: GlobalOptions, args: string[]) => Promise<number>,
  options: HandleOptions = {},
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const positional = args.slice(0, -2).filter((a): a is string => typeof a === 'string')
    let logDir = join(context.cwd, '.pipeline', 'logs')
    try {
      const globals = resolveGlobals(command.optsWithGlobals(), context)
      logDir = join(globals.root, '.pipeline', 'logs')
      if (options.warehouse && globals.engine === 'duckdb')
        checkWarehousePath(globals.warehouse, { readOnly: options.warehouse === 'read' })
      exit.code = await handler(command.opts() as O, globals, positional)
    } catch (error) {
      exit.code = reportError(error, context, logDir)
    } finally {
      releaseHolders()
    }
  }
}

/**
 * Print an error as what failed, where, and what to do; return its exit code. An unexpected error (a bug,
 * not bad input) prints one line and the path of a log file holding its stack trace.
 */
export function reportError(error: unknown, context: CliContext, logDir?: string): number {
  if (error instanceof CompileError) {
    context.io.stderr(
      `error: compile found ${error.issues.length} problem(s):\n${error.issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}\n`,
    )
    return EXIT.usage
  }
  if (error instanceof ConfigError) {
    context.io.stderr(`error: ${error.message}\n`)
    return EXIT.usage
  }
  if (error instanceof PipelineError) {
    context.io.stderr(`error [${error.code}]: ${error.message}\n`)
    return EXIT.failed
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
  const log = logDir ? writeErrorLog(logDir, error, context.now()) : null
  context.io.stderr(
    `error: internal error: ${message}\n  ${log ? `the stack trace is in ${log}` : 'no log file could be written'}; please report it with that file\n`,
  )
  return EXIT.failed
}

/** Write an unexpected error's stack trace to `<dir>/<time>-<pid>.log`; null when that fails too. */
function writeErrorLog(dir: string, error: unknown, now: Date): string | null {
  try {
    mkdirSync(dir, { recursive: true })
    const path = join(dir, `${now.toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`)
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
    const cause = error instanceof Error && error.cause instanceof Error ? `\ncaused by: ${error.cause.stack}` : ''
    writeFileSync(path, `${text}${cause}\n`)
    return path
  } catch {
    return null
  }
}

/** Say which runs a run found dead and recorded as interrupted (on stderr: it is a log line). */
export function noteInterruptedRuns(context: CliContext, result: { interruptedRuns?: readonly string[] }): void {
  for (const id of result.interruptedRuns ?? [])
    context.io.stderr(`note: run ${id} was left running by a process that is gone; recorded as interrupted\n`)
}

/**
 * Say, before anything is written, that this run's rows will not name their code: outside a git checkout
 * and without BUILD_COMMIT_SHA every row is stamped 'unknown', and the assertions on build_commit_sha fail.
 */
export function warnUnknownBuild(context: CliContext, run: RunInfo): void {
  if (run.buildCommitSha !== UNKNOWN_BUILD_COMMIT) return
  context.io.stderr(
    `warning: the project is not a git checkout and BUILD_COMMIT_SHA is not set: every row of this run is stamped build_commit_sha '${UNKNOWN_BUILD_COMMIT}', and any assertion that rows name their build will fail; run from a git clone, or set BUILD_COMMIT_SHA to the commit this code was built from\n`,
  )
}

export function printJson(context: CliContext, value: unknown): void {
  context.io.stdout(`${JSON.stringify(value, null, 2)}\n`)
}

/** Adapter options of a command that runs the pipeline: every job carries the run's labels; `dryRun` writes nothing. */
export function runAdapterOptions(
  graph: CompiledGraph,
  command: string,
  run: RunInfo,
  options: { dryRun?: boolean; maxBytes?: number; onRetry?: (event: RetryEvent) => void } = {},
): AdapterOptions {
  const bigquery = graph.project.bigquery
  const maximumBytesBilled = options.maxBytes ?? bigquery?.maximumBytesBilled
  return {
    labels: runLabels({ app: graph.project.name, command, run }),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(maximumBytesBilled !== undefined ? { maximumBytesBilled } : {}),
    ...(bigquery?.jobTimeoutMs !== undefined ? { jobTimeoutMs: bigquery.jobTimeoutMs } : {}),
    ...(bigquery?.jobPrefix !== undefined ? { jobPrefix: bigquery.jobPrefix } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  }
}

/** One stderr line per retried job: what failed, and when the new job goes out. */
export function logRetries(context: CliContext): (event: RetryEvent) => void {
  return (event) =>
    context.io.stderr(
      `retry: ${event.label} hit ${event.reason}${event.jobId ? ` (job ${event.jobId})` : ''}; attempt ${event.attempt} as a new job in ${(event.delayMs / 1000).toFixed(1)} s\n`,
    )
}

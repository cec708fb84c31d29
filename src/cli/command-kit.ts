import type { Command } from 'commander'
import type { CompiledGraph } from '../compiler/compiled.js'
import { CompileError, ConfigError, PipelineError, formatIssue } from '../core/errors.js'
import type { AdapterOptions } from '../engines/create-engine.js'
import { runLabels } from '../engines/job-labels.js'
import type { RunInfo } from '../runner/run-info.js'
import type { CliContext, GlobalOptions } from './cli-context.js'
import { EXIT, resolveGlobals } from './cli-context.js'

/** Holds the exit code a command's action decided. */
export interface ExitHolder {
  code: number
}

/** Wrap a command handler: resolve globals, map errors to exit codes, print messages. */
export function handle<O>(
  command: Command,
  context: CliContext,
  exit: ExitHolder,
  handler: (options: O, globals: GlobalOptions, args: string[]) => Promise<number>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const positional = args.slice(0, -2).filter((a): a is string => typeof a === 'string')
    try {
      const globals = resolveGlobals(command.optsWithGlobals(), context)
      exit.code = await handler(command.opts() as O, globals, positional)
    } catch (error) {
      exit.code = reportError(error, context)
    }
  }
}

/** Print an error as what failed, where, and what to do; return its exit code. */
export function reportError(error: unknown, context: CliContext): number {
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
  context.io.stderr(`error: ${(error as Error)?.stack ?? String(error)}\n`)
  return EXIT.failed
}

export function printJson(context: CliContext, value: unknown): void {
  context.io.stdout(`${JSON.stringify(value, null, 2)}\n`)
}

/** Adapter options of a command that runs the pipeline: every job carries the run's labels; `dryRun` writes nothing. */
export function runAdapterOptions(
  graph: CompiledGraph,
  command: string,
  run: RunInfo,
  options: { dryRun?: boolean } = {},
): AdapterOptions {
  return {
    labels: runLabels({ app: graph.project.name, command, run }),
    ...(options.dryRun ? { dryRun: true } : {}),
  }
}

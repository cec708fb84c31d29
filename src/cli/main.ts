import { Command, CommanderError } from 'commander'
import { pathToFileURL } from 'node:url'
import type { CliContext } from './cli-context.js'
import { EXIT } from './cli-context.js'
import type { ExitHolder } from './command-kit.js'
import { COMMANDS } from './commands/index.js'
import { createDefaultContext } from './default-context.js'

/** Build the program; every command reports its exit code through `exit`. */
export function createProgram(context: CliContext, exit: ExitHolder): Command {
  const program = new Command('pipeline')
    .description('pipeline as code: compile TypeScript definitions into a DAG; run, assert, migrate and backfill it')
    .option('--engine <engine>', 'duckdb (default) or bigquery; env PIPELINE_ENGINE')
    .option(
      '--warehouse <path>',
      'DuckDB file or :memory: (default .pipeline/warehouse.duckdb); env PIPELINE_WAREHOUSE',
    )
    .option('--project <dir>', 'project root (default: current directory); env PIPELINE_PROJECT')
    .option('--json', 'machine-readable output on stdout; logs stay on stderr')
    .option(
      '--wait [seconds]',
      'when another process holds the warehouse file, queue behind it (default 3600 s) instead of exiting 1',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => context.io.stdout(s), writeErr: (s) => context.io.stderr(s) })
  for (const make of COMMANDS) {
    const command = make(context, exit)
    command
      .exitOverride()
      .configureOutput({ writeOut: (s) => context.io.stdout(s), writeErr: (s) => context.io.stderr(s) })
      .showHelpAfterError('(add --help for usage)')
    program.addCommand(command)
  }
  return program
}

/** Run the CLI and return the exit code: 0 ok, 1 failed action/assertion/preflight, 2 bad usage. */
export async function main(argv: readonly string[], context: CliContext = createDefaultContext()): Promise<number> {
  const exit: ExitHolder = { code: EXIT.ok }
  const program = createProgram(context, exit)
  try {
    await program.parseAsync([...argv], { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help' ||
        error.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage
    }
    throw error
  }
  return exit.code
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}

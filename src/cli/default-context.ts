import { createInterface } from 'node:readline/promises'
import { loadProject } from '../compiler/load.js'
import { compileProject } from '../compiler/compile.js'
import { createDialect, createEngine } from '../engines/create-engine.js'
import type { EngineDeps } from '../engines/create-engine.js'
import type { CliContext } from './cli-context.js'

/** What the real process may have replaced: the environment, and (tests) the BigQuery client. */
export interface DefaultContextOptions extends EngineDeps {
  readonly env?: NodeJS.ProcessEnv
}

/** The real process: stdout/stderr, env, clock, and engines loaded lazily. */
export function createDefaultContext(options: DefaultContextOptions = {}): CliContext {
  const env = options.env ?? process.env
  return {
    io: {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      isTty: Boolean(process.stderr.isTTY) && !env.CI,
      ...(process.stdin.isTTY && process.stderr.isTTY && !env.CI ? { prompt: askOnTerminal } : {}),
    },
    env,
    cwd: process.cwd(),
    now: () => new Date(),
    openAdapter: async (globals, adapterOptions = {}) =>
      (await createEngine({ ...globals, ...adapterOptions }, env, options)).adapter,
    compile: async (globals) =>
      compileProject(await loadProject(globals.root), await createDialect(globals.engine, env)),
  }
}

/** One question on the terminal (stderr, so stdout stays the command's output). */
async function askOnTerminal(question: string): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return await terminal.question(question)
  } finally {
    terminal.close()
  }
}

import { loadProject } from '../compiler/load.js'
import { compileProject } from '../compiler/compile.js'
import type { Adapter } from '../engines/adapter.js'
import { createEngine } from '../engines/create-engine.js'
import type { CliContext, GlobalOptions } from './cli-context.js'

/** The real process: stdout/stderr, env, clock, and engines loaded lazily. */
export function createDefaultContext(): CliContext {
  return {
    io: {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      isTty: Boolean(process.stderr.isTTY) && !process.env.CI,
    },
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    openAdapter: (options: GlobalOptions): Promise<Adapter> =>
      createEngine(options, process.env).then((e) => e.adapter),
    compile: async (options: GlobalOptions) => {
      const engine = await createEngine({ ...options, offline: true }, process.env)
      return compileProject(await loadProject(options.root), engine.dialect)
    },
  }
}

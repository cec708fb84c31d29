import { execFile } from 'node:child_process'
import { join } from 'node:path'
import type { CliContext } from '../../src/cli/cli-context.js'
import { createDefaultContext } from '../../src/cli/default-context.js'
import type { DefaultContextOptions } from '../../src/cli/default-context.js'
import { main } from '../../src/cli/main.js'
import { REPO_ROOT } from './fixtures.js'

/** The `pipeline` command as installed: the compiled engine (dist/<hash of src/>, built on demand). */
export const PIPELINE_BIN = join(REPO_ROOT, 'bin', 'pipeline.js')

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Run the CLI in-process with captured output; engines and compile are the real ones, reading `env`
 * (plus a fixed BUILD_COMMIT_SHA) instead of the process environment. `deps` may inject a BigQuery client.
 */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
  deps: Omit<DefaultContextOptions, 'env'> = {},
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const real = createDefaultContext({ ...deps, env: { BUILD_COMMIT_SHA: 'b'.repeat(40), ...env } })
  const context: CliContext = {
    ...real,
    io: {
      stdout: (t) => {
        stdout += t
      },
      stderr: (t) => {
        stderr += t
      },
      isTty: false,
    },
  }
  const code = await main(argv, context)
  return { code, stdout, stderr }
}

/**
 * This process's environment without PIPELINE_* settings, plus `extra`: what a child CLI sees. The suite's
 * PIPELINE_DUCKDB_THREADS (vitest.config.ts) is kept, so a child shares the cores as the workers do.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([key]) => !/^PIPELINE_/.test(key) || key === THREADS)
  return { ...Object.fromEntries(kept), ...extra }
}
const THREADS = 'PIPELINE_DUCKDB_THREADS'

/**
 * The CLI in a child process (`node bin/pipeline.js`, from the repository root), as an operator in another
 * terminal runs it; resolves with its exit code and output once it ends.
 */
export function spawnCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [PIPELINE_BIN, ...argv], { cwd: REPO_ROOT, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

import type { CliContext } from '../../src/cli/cli-context.js'
import { createDefaultContext } from '../../src/cli/default-context.js'
import type { DefaultContextOptions } from '../../src/cli/default-context.js'
import { main } from '../../src/cli/main.js'

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

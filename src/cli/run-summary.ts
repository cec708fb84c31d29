import type { RunResult } from '../runner/result.js'
import type { CliIo } from './cli-context.js'

/** Human summary of a run: failures and failed checks first, then counts. */
export function printRunSummary(io: CliIo, result: RunResult): void {
  const failedChecks = result.actions.flatMap((a) => a.checks).filter((c) => !c.passed)
  for (const check of failedChecks.slice(0, 50))
    io.stdout(`${check.severity === 'error' ? 'ERROR' : 'warn '} ${check.message}\n`)
  if (failedChecks.length > 50)
    io.stdout(
      `… and ${failedChecks.length - 50} more failed check(s); see pipeline_state.assertion_results for run ${result.runId}\n`,
    )
  for (const action of result.actions.filter((a) => a.status === 'failed' && a.error?.code !== 'assertion-failed')) {
    io.stdout(`FAILED ${action.name}: ${action.error?.message.split('\n').slice(0, 3).join(' ')}\n`)
  }
  const count = (s: string) => result.actions.filter((a) => a.status === s).length
  const rows = result.actions.reduce((n, a) => n + (a.rowsWritten ?? 0), 0)
  const checks = result.actions.flatMap((a) => a.checks)
  io.stdout(
    `run ${result.runId} ${result.dryRun ? '(dry run) ' : ''}${result.ok ? 'succeeded' : 'FAILED'}: ${count('succeeded')} succeeded, ${count('failed')} failed, ${count('skipped')} skipped; ${rows} rows written; checks ${checks.filter((c) => c.passed).length}/${checks.length} passed${result.skipAssertions ? ' (assertions skipped: --skip-assertions)' : ''}\n`,
  )
  io.stdout(`build ${result.buildCommitSha} (${result.deploymentRevision}), mode ${result.mode}\n`)
}

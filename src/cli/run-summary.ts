import { addDays } from '../core/dates.js'
import type { RunResult } from '../runner/result.js'
import type { CliIo } from './cli-context.js'
import { groupedCheckLines } from './check-lines.js'

/** Human summary of a run: failures and failed checks first, then counts. */
export function printRunSummary(io: CliIo, result: RunResult): void {
  const lines = groupedCheckLines(
    result.actions.flatMap((a) => a.checks),
    result.runId,
  )
  for (const line of lines.slice(0, 50)) io.stdout(`${line}\n`)
  if (lines.length > 50)
    io.stdout(
      `… and ${lines.length - 50} more failed check(s); see pipeline_state.assertion_results for run ${result.runId}\n`,
    )
  for (const action of result.actions.filter((a) => a.status === 'failed' && a.error?.code !== 'assertion-failed')) {
    io.stdout(`FAILED ${action.name}: ${action.error?.message.split('\n').slice(0, 3).join(' ')}\n`)
  }
  const count = (s: string) => result.actions.filter((a) => a.status === s).length
  const rows = result.actions.reduce((n, a) => n + (a.rowsWritten ?? 0), 0)
  const checks = result.actions.flatMap((a) => a.checks)
  const upToDate = result.actions.filter((a) => a.upToDate).length
  io.stdout(
    `run ${result.runId} ${result.dryRun ? '(dry run) ' : ''}${result.ok ? 'succeeded' : 'FAILED'}: ${count('succeeded')} succeeded, ${count('failed')} failed, ${count('skipped')} skipped; ${rows} rows written; checks ${checks.filter((c) => c.passed).length}/${checks.length} passed${upToDate ? ` (${upToDate} assertion(s) up to date: inputs unchanged since their checks passed)` : ''}${result.skipAssertions ? ' (assertions skipped: --skip-assertions)' : ''}\n`,
  )
  io.stdout(`build ${result.buildCommitSha} (${result.deploymentRevision}), mode ${result.mode}\n`)
  printUnverified(io, result)
}

/** Intervals forced in with --skip-assertions: which passed their re-check, which still fail and why. */
export function printUnverified(io: CliIo, result: RunResult): void {
  for (const v of result.reverified ?? [])
    io.stdout(
      `verified ${v.action}: ${v.intervals.length} interval(s) written with --skip-assertions now pass their checks\n`,
    )
  for (const u of result.unverified ?? []) {
    const first = u.intervals.map((i) => i.start).sort()[0] ?? ''
    const last = addDays(
      u.intervals
        .map((i) => i.end)
        .sort()
        .at(-1) ?? first,
      -1,
    )
    const by = u.writtenBy.map((w) => `run ${w.runId}${w.reason ? ` (reason: ${w.reason})` : ''}`).join(', ')
    io.stdout(
      `UNVERIFIED ${u.action}: ${u.intervals.length} interval(s) ${first}..${last} written with --skip-assertions by ${by}; re-checked, still failing:\n`,
    )
    for (const f of u.failing) io.stdout(`  ${f.message}\n`)
    io.stdout(`  rebuild them: pipeline run --actions ${u.action} --from ${first} --to ${last} --restate\n`)
  }
}

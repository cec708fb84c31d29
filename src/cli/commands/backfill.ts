import { Command } from 'commander'
import { z } from 'zod'
import { join } from 'node:path'
import { ConfigError } from '../../core/errors.js'
import { ensureMigrationsCurrent } from '../../migrate/index.js'
import { backfill } from '../../runner/backfill.js'
import type { BackfillPreview } from '../../runner/backfill.js'
import { createGitProbe } from '../../runner/git-probe.js'
import { formatPlan } from '../../runner/plan-text.js'
import { formatEstimate, overBudgetMessage } from '../estimate-text.js'
import { createRunInfo } from '../../runner/run-info.js'
import type { CliContext, CliIo } from '../cli-context.js'
import { EXIT, parseDateRange } from '../cli-context.js'
import { dateFlag, listFlag, parseFlags, switchFlag } from '../flag-schemas.js'
import { openWarehouse } from '../open-warehouse.js'
import { resolveSelection } from '../../runner/run.js'
import { MAX_BYTES_FLAG, MAX_BYTES_HELP } from './run.js'
import { handle, noteInterruptedRuns, printJson, logRetries, runAdapterOptions } from '../command-kit.js'
import type { ExitHolder } from '../command-kit.js'
import { createProgress } from '../progress.js'
import { printRunSummary } from '../run-summary.js'

const backfillFlags = z.strictObject({
  from: dateFlag,
  to: dateFlag,
  actions: listFlag('action', '--actions ml_feature_store_v2'),
  reason: z.string().optional(),
  requireCommit: z
    .array(
      z.string().regex(/^[0-9a-f]{7,40}$/i, {
        message: 'is not a commit sha; give 7 to 40 hex digits, e.g. --require-commit a1b2c3d',
      }),
    )
    .optional(),
  dryRun: switchFlag,
  yes: switchFlag,
  maxBytes: MAX_BYTES_FLAG,
})

function printPreflight(io: CliIo, result: BackfillPreview): void {
  io.stdout('preflight:\n')
  for (const check of result.checks) io.stdout(`  ${check.ok ? 'go   ' : 'NO-GO'} ${check.name}: ${check.detail}\n`)
  io.stdout('dates:\n')
  for (const d of result.dates)
    io.stdout(`  ${d.date} ${d.go ? 'go' : `NO-GO  ${d.failures.slice(0, 3).join('; ')}`}\n`)
  if (result.plan.length) {
    io.stdout(
      'plan (rows replaced or superseded per date, by the build that wrote them; dependents are rewritten after):\n',
    )
    for (const p of result.plan) {
      const builds = p.builds.map((b) => `${b.buildCommitSha.slice(0, 12)} ${b.rows}`).join(', ')
      io.stdout(
        `  ${p.date} ${`${p.action}${p.selected ? '' : ' (dependent)'}`.padEnd(42)} ${String(p.existingRows).padStart(6)}${builds ? `  (${builds})` : ''}\n`,
      )
    }
  }
  if (result.resumed.length)
    io.stdout(`resuming: intervals completed by ${result.resumed.join(', ')} (this build) are kept\n`)
  for (const d of result.discarded)
    io.stdout(
      `not resuming ${d.runId}: it ran build ${d.buildCommitSha}, not this one; the intervals it completed are rebuilt\n`,
    )
}

/** Before any write: print the plan, then proceed with --yes, or ask on a terminal. */
function confirmation(context: CliContext, flags: { yes?: boolean | undefined }, json: boolean) {
  return async (preview: BackfillPreview): Promise<boolean> => {
    if (!json) printPreflight(context.io, preview)
    if (flags.yes) return true
    const prompt = context.io.prompt
    if (!prompt) return false
    const rows = preview.plan.reduce((n, p) => n + p.existingRows, 0)
    const answer = await prompt(
      `write this backfill (${preview.dates.length} date(s), ${rows} existing row(s) replaced or superseded, nothing deleted)? [y/N] `,
    )
    return /^(y|yes)$/i.test(answer.trim())
  }
}

export function backfillCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('backfill')
    .description(
      'recompute a date range after a go/no-go preflight of code, schema and inputs; supersedes, never deletes',
    )
    .requiredOption('--from <date>', 'first date (YYYY-MM-DD, inclusive)')
    .requiredOption('--to <date>', 'last date (YYYY-MM-DD, inclusive)')
    .requiredOption(
      '--actions <names>',
      'comma-separated actions (names or globs) to recompute; their dependents follow',
    )
    .requiredOption('--reason <text>', 'why: recorded on every superseded row and in the run')
    .option('--require-commit <sha...>', 'fix commit(s) the running code must contain')
    .option('--dry-run', 'preflight and plan only, write nothing')
    .option('--max-bytes <n>', MAX_BYTES_HELP)
    .option('--yes', 'proceed without the confirmation prompt (required when not on a terminal)')
  return command.action(
    handle<Record<string, unknown>>(
      command,
      context,
      exit,
      async (raw, globals) => {
        const flags = parseFlags(backfillFlags, raw)
        const range = parseDateRange(flags.from, flags.to) as { from: string; to: string }
        const actions = flags.actions ?? []
        const reason = (flags.reason ?? '').trim()
        if (!reason)
          throw new ConfigError('--reason must say why the range is recomputed, e.g. --reason "usage_spike fix a1b2c3"')
        if (!flags.dryRun && !flags.yes && !context.io.prompt)
          throw new ConfigError(
            'backfill writes to persistent tables and there is no terminal to confirm on: run it with --dry-run first, then again with --yes',
          )
        const graph = await context.compile(globals)
        resolveSelection(graph, { actions })
        const run = createRunInfo({ root: globals.root, env: context.env, now: context.now(), mode: 'backfill' })
        const adapter = await openWarehouse(context, globals, {
          ...runAdapterOptions(graph, 'backfill', run, { ...flags, onRetry: logRetries(context) }),
          command: 'backfill',
          runId: run.id,
        })
        try {
          const progress = createProgress(context.io)
          const result = await backfill({
            graph,
            adapter,
            git: createGitProbe(globals.root),
            actions,
            ...range,
            reason,
            requireCommits: flags.requireCommit ?? [],
            dryRun: flags.dryRun ?? false,
            run,
            migrationProblem: async () =>
              ensureMigrationsCurrent(adapter, { root: globals.root, stateDataset: graph.project.stateDataset }).then(
                () => null,
                (e: Error) => e.message,
              ),
            runsDir: join(globals.root, '.pipeline', 'runs'),
            onEvent: progress.onEvent,
            confirm: confirmation(context, flags, globals.json),
          })
          progress.done()
          if (result.run) noteInterruptedRuns(context, result.run)
          const budget = flags.maxBytes ?? graph.project.bigquery?.maximumBytesBilled
          if (globals.json) printJson(context, result)
          else {
            // Past a go, the plan was printed before the first write (confirm); otherwise it is printed now.
            if (!result.go || flags.dryRun) printPreflight(context.io, result)
            if (!result.go) context.io.stdout('backfill refused: nothing was written\n')
            else if (result.declined) context.io.stdout('backfill not confirmed: nothing was written\n')
            else if (result.run) printRunSummary(context.io, result.run)
            else {
              if (result.statements) context.io.stdout(`statements:\n${formatPlan(result.statements)}`)
              if (result.estimate) context.io.stdout(formatEstimate(result.estimate, budget))
              context.io.stdout('dry run: nothing was written\n')
            }
          }
          const refusal = overBudgetMessage('backfill', result.estimate, budget)
          if (refusal) {
            context.io.stderr(refusal)
            return EXIT.failed
          }
          return result.go && !result.declined && (result.run?.ok ?? true) ? EXIT.ok : EXIT.failed
        } finally {
          await adapter.close()
        }
      },
      { warehouse: 'write' },
    ),
  )
}

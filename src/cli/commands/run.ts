import { Command } from 'commander'
import { z } from 'zod'
import { join } from 'node:path'
import { ConfigError } from '../../core/errors.js'
import { ensureMigrationsCurrent } from '../../migrate/index.js'
import { resolveSelection, runPipeline } from '../../runner/run.js'
import { formatPlan } from '../../runner/plan-text.js'
import { formatProfile } from '../../runner/profile.js'
import { createRunInfo } from '../../runner/run-info.js'
import type { CliContext } from '../cli-context.js'
import { EXIT, parseDateRange } from '../cli-context.js'
import { dateFlag, intFlag, listFlag, MAX_CONCURRENCY, parseFlags, switchFlag } from '../flag-schemas.js'
import { openWarehouse } from '../open-warehouse.js'
import {
  handle,
  logRetries,
  noteInterruptedRuns,
  printJson,
  runAdapterOptions,
  warnUnknownBuild,
} from '../command-kit.js'
import { formatEstimate, overBudgetMessage } from '../estimate-text.js'
import type { ExitHolder } from '../command-kit.js'
import { createProgress } from '../progress.js'
import { printRunSummary } from '../run-summary.js'

/** The selection and date-range flags `run` and `assert` share, checked before anything is opened. */
export const SELECTION_FLAGS = {
  actions: listFlag('action', '--actions ml_feature_store_v2 (leave the flag out to select everything)'),
  tags: listFlag('tag', '--tags phase4'),
  includeDeps: switchFlag,
  includeDependents: switchFlag,
  from: dateFlag,
  to: dateFlag,
}

export const selectionFlags = z.strictObject(SELECTION_FLAGS)

/** `--max-bytes` of `run` and `backfill`. */
export const MAX_BYTES_FLAG = intFlag(1, Number.MAX_SAFE_INTEGER, '--max-bytes 10000000000 (10 GB)')
export const MAX_BYTES_HELP =
  'BigQuery: bytes a job may bill (maximumBytesBilled; default the project setting); with --dry-run, the budget the estimated total must fit'
export type SelectionFlags = z.output<typeof selectionFlags>

const runFlags = z.strictObject({
  ...SELECTION_FLAGS,
  fullRefresh: switchFlag,
  restate: switchFlag,
  dryRun: switchFlag,
  skipAssertions: switchFlag,
  reason: z.string().optional(),
  profile: switchFlag,
  concurrency: intFlag(1, MAX_CONCURRENCY, '--concurrency 4'),
  maxBytes: MAX_BYTES_FLAG,
})

/** How a command's help words the shared flags: what it does to the selection and to the dates. */
interface SelectionWording {
  readonly verb: string
  readonly dateVerb: string
  readonly actions: string
  readonly toNote?: string
}

const RUN_WORDING: SelectionWording = {
  verb: 'run',
  dateVerb: 'build',
  actions: 'comma-separated action names or globs (e.g. "ml_*")',
}

export function addSelectionOptions(command: Command, wording: SelectionWording = RUN_WORDING): Command {
  return command
    .option('--actions <names>', wording.actions)
    .option('--tags <tags>', 'comma-separated tags')
    .option('--include-deps', `also ${wording.verb} what the selection depends on`)
    .option('--include-dependents', `also ${wording.verb} what depends on the selection`)
    .option('--from <date>', `first date to ${wording.dateVerb} (YYYY-MM-DD, inclusive)`)
    .option('--to <date>', `last date to ${wording.dateVerb} (YYYY-MM-DD, inclusive)${wording.toNote ?? ''}`)
}

export function selectionFrom(flags: SelectionFlags) {
  return {
    actions: flags.actions ?? [],
    tags: flags.tags ?? [],
    includeDeps: flags.includeDeps ?? false,
    includeDependents: flags.includeDependents ?? false,
  }
}

export function runCommand(context: CliContext, exit: ExitHolder): Command {
  const command = addSelectionOptions(
    new Command('run').description('build what is selected (default: everything, missing intervals only)'),
  )
    .option('--full-refresh', 'rebuild incremental tables from scratch (refused for protected actions)')
    .option('--restate', 'rebuild the --from/--to range even where it is recorded as done')
    .option('--dry-run', 'print every statement the run would send, in order, without writing')
    .option(
      '--skip-assertions',
      'emergency only: write without the audits (needs --reason; the intervals are recorded unverified and re-checked by every later run; monitors still run)',
    )
    .option('--reason <text>', 'why the assertions are skipped; stored in pipeline_state.runs')
    .option('--concurrency <n>', `actions built at once, 1 to ${MAX_CONCURRENCY} (default: the project's concurrency)`)
    .option('--profile', "record every statement's kind, duration and rows in .pipeline/runs/<run_id>.json")
    .option('--max-bytes <n>', MAX_BYTES_HELP)
  return command.action(
    handle<Record<string, unknown>>(
      command,
      context,
      exit,
      async (raw, globals) => {
        const flags = parseFlags(runFlags, raw)
        const range = parseDateRange(flags.from, flags.to)
        const reason = flags.reason?.trim()
        if (flags.skipAssertions && !reason)
          throw new ConfigError(
            '--skip-assertions needs --reason: say why the audits are skipped, e.g. --reason "hotfix 1a2b3c, usage_spike checked by hand"; the intervals written are recorded unverified',
          )
        const graph = await context.compile(globals)
        // Unknown actions and tags are bad usage: refused before the warehouse is opened or migrations checked.
        resolveSelection(graph, selectionFrom(flags))
        const run = createRunInfo({ root: globals.root, env: context.env, now: context.now() })
        warnUnknownBuild(context, run)
        const adapter = await openWarehouse(context, globals, {
          ...runAdapterOptions(graph, 'run', run, { ...flags, onRetry: logRetries(context) }),
          command: 'run',
          runId: run.id,
        })
        try {
          if (!flags.dryRun)
            await ensureMigrationsCurrent(adapter, { root: globals.root, stateDataset: graph.project.stateDataset })
          const progress = createProgress(context.io)
          const result = await runPipeline({
            graph,
            adapter,
            run,
            selection: selectionFrom(flags),
            ...range,
            fullRefresh: flags.fullRefresh ?? false,
            restate: flags.restate ?? false,
            dryRun: flags.dryRun ?? false,
            skipAssertions: flags.skipAssertions ?? false,
            ...(reason ? { reason } : {}),
            ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
            runsDir: join(globals.root, '.pipeline', 'runs'),
            onEvent: progress.onEvent,
            profile: flags.profile ?? false,
          })
          progress.done()
          noteInterruptedRuns(context, result)
          const budget = flags.maxBytes ?? graph.project.bigquery?.maximumBytesBilled
          if (globals.json) printJson(context, result)
          else if (result.plan) {
            context.io.stdout(formatPlan(result.plan))
            if (result.estimate) context.io.stdout(formatEstimate(result.estimate, budget))
          } else {
            printRunSummary(context.io, result)
            if (result.profile) context.io.stdout(formatProfile(result.profile))
          }
          const refusal = overBudgetMessage('run', result.estimate, budget)
          if (refusal) {
            context.io.stderr(refusal)
            return EXIT.failed
          }
          return result.ok ? EXIT.ok : EXIT.failed
        } finally {
          await adapter.close()
        }
      },
      { warehouse: 'write' },
    ),
  )
}

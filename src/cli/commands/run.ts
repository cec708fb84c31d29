import { Command } from 'commander'
import { join } from 'node:path'
import { ConfigError } from '../../core/errors.js'
import { ensureMigrationsCurrent } from '../../migrate/index.js'
import { runPipeline } from '../../runner/run.js'
import { formatPlan } from '../../runner/plan-text.js'
import { formatProfile } from '../../runner/profile.js'
import { createRunInfo } from '../../runner/run-info.js'
import type { CliContext } from '../cli-context.js'
import { EXIT, parseDateRange, splitList } from '../cli-context.js'
import { handle, printJson, runAdapterOptions } from '../command-kit.js'
import type { ExitHolder } from '../command-kit.js'
import { createProgress } from '../progress.js'
import { printRunSummary } from '../run-summary.js'

/** The selection and date-range flags `run` and `assert` share. */
export interface SelectionFlags {
  actions?: string
  tags?: string
  includeDeps?: boolean
  includeDependents?: boolean
  from?: string
  to?: string
}

export interface RunFlags extends SelectionFlags {
  fullRefresh?: boolean
  restate?: boolean
  dryRun?: boolean
  skipAssertions?: boolean
  reason?: string
  concurrency?: string
  profile?: boolean
}

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
    actions: splitList(flags.actions),
    tags: splitList(flags.tags),
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
    .option('--concurrency <n>', 'actions built at once')
    .option('--profile', "record every statement's kind, duration and rows in .pipeline/runs/<run_id>.json")
  return command.action(
    handle<RunFlags>(command, context, exit, async (flags, globals) => {
      const range = parseDateRange(flags.from, flags.to)
      const reason = flags.reason?.trim()
      if (flags.skipAssertions && !reason)
        throw new ConfigError(
          '--skip-assertions needs --reason: say why the audits are skipped, e.g. --reason "hotfix 1a2b3c, usage_spike checked by hand"; the intervals written are recorded unverified',
        )
      const graph = await context.compile(globals)
      const run = createRunInfo({ root: globals.root, env: context.env, now: context.now() })
      const adapter = await context.openAdapter(globals, runAdapterOptions(graph, 'run', run, flags))
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
          ...(flags.concurrency ? { concurrency: Number(flags.concurrency) } : {}),
          runsDir: join(globals.root, '.pipeline', 'runs'),
          onEvent: progress.onEvent,
          profile: flags.profile ?? false,
        })
        progress.done()
        if (globals.json) printJson(context, result)
        else if (result.plan) context.io.stdout(formatPlan(result.plan))
        else {
          printRunSummary(context.io, result)
          if (result.profile) context.io.stdout(formatProfile(result.profile))
        }
        return result.ok ? EXIT.ok : EXIT.failed
      } finally {
        await adapter.close()
      }
    }),
  )
}

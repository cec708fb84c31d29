import { Command } from 'commander'
import { runAssertions } from '../../runner/assert.js'
import type { AssertedAction, AssertResult } from '../../runner/assert.js'
import { createRunInfo } from '../../runner/run-info.js'
import type { CheckResult } from '../../runner/result.js'
import type { CliContext, CliIo } from '../cli-context.js'
import { EXIT, parseDateRange } from '../cli-context.js'
import { handle, printJson, logRetries, runAdapterOptions } from '../command-kit.js'
import type { ExitHolder } from '../command-kit.js'
import { addSelectionOptions, selectionFlags, selectionFrom } from './run.js'
import { parseFlags } from '../flag-schemas.js'
import { openWarehouse } from '../open-warehouse.js'
import { resolveSelection } from '../../runner/run.js'

/** Failed partitions printed before the summary; the rest are in pipeline_state.assertion_results. */
const MAX_PRINTED = 100

export function assertCommand(context: CliContext, exit: ExitHolder): Command {
  const command = addSelectionOptions(
    new Command('assert').description(
      'run assertions alone against the built tables, without building anything (exit 1 if an error-severity check fails)',
    ),
    {
      verb: 'check',
      dateVerb: 'check',
      actions: 'comma-separated action names or globs whose checks run (with the assertions guarding them)',
      toNote: '; freshness is judged as of this date',
    },
  )
  return command.action(
    handle<Record<string, unknown>>(
      command,
      context,
      exit,
      async (raw, globals) => {
        const flags = parseFlags(selectionFlags, raw)
        const range = parseDateRange(flags.from, flags.to)
        const graph = await context.compile(globals)
        resolveSelection(graph, selectionFrom(flags))
        const run = createRunInfo({ root: globals.root, env: context.env, now: context.now() })
        const adapter = await openWarehouse(context, globals, {
          ...runAdapterOptions(graph, 'assert', run, { onRetry: logRetries(context) }),
          command: 'assert',
          runId: run.id,
        })
        try {
          const result = await runAssertions({
            graph,
            adapter,
            run,
            ...range,
            selection: selectionFrom(flags),
            onAction: globals.json ? undefined : (action) => context.io.stderr(`${formatAssertedAction(action)}\n`),
          })
          if (globals.json) printJson(context, result)
          else printAssertSummary(context.io, result)
          return result.ok ? EXIT.ok : EXIT.failed
        } finally {
          await adapter.close()
        }
      },
      { warehouse: 'write' },
    ),
  )
}

/** One progress line per action: its verdict and check counts. */
export function formatAssertedAction(action: AssertedAction): string {
  const mark = action.status === 'passed' ? 'ok  ' : 'FAIL'
  if (action.error) return `${mark} ${action.name} [${action.kind}] could not run: ${action.error.message}`
  const failed = action.checks.filter((c) => !c.passed)
  const warned = failed.filter((c) => c.severity === 'warn').length
  const skipped = action.checks.filter((c) => c.skipped).length
  const counts = `${action.checks.length - failed.length}/${action.checks.length} passed${warned ? `, ${warned} warned` : ''}${skipped ? `, ${skipped} skipped` : ''}`
  return `${mark} ${action.name} [${action.kind}] ${counts}`
}

function mark(check: CheckResult): string {
  if (check.skipped) return 'skip '
  if (check.passed) return 'ok   '
  return check.severity === 'error' ? 'ERROR' : 'warn '
}

/** Failed and skipped partitions (each with assertion, partition, observed value and threshold), then totals. */
export function printAssertSummary(io: CliIo, result: AssertResult): void {
  const checks = result.actions.flatMap((a) => a.checks)
  const notable = checks.filter((c) => !c.passed || c.skipped)
  for (const check of notable.slice(0, MAX_PRINTED)) io.stdout(`${mark(check)} ${check.message}\n`)
  if (notable.length > MAX_PRINTED)
    io.stdout(
      `… and ${notable.length - MAX_PRINTED} more; see pipeline_state.assertion_results for run ${result.runId}\n`,
    )
  const errors = checks.filter((c) => !c.passed && c.severity === 'error').length
  const warnings = checks.filter((c) => !c.passed && c.severity === 'warn').length
  const range =
    result.from && result.to
      ? ` over ${result.from}..${result.to}`
      : result.from
        ? ` from ${result.from}`
        : result.to
          ? ` up to ${result.to}`
          : ''
  io.stdout(
    `assert ${result.runId} ${result.ok ? 'passed' : 'FAILED'}${range}: ${result.actions.length} action(s), ${checks.length} result(s); ${errors} error(s), ${warnings} warning(s), ${checks.filter((c) => c.skipped).length} skipped\n`,
  )
}

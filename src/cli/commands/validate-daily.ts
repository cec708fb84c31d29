import { Command } from 'commander'
import { z } from 'zod'
import { loadDailyChecks } from '../../reports/daily-checks.js'
import { createRunInfo } from '../../runner/run-info.js'
import { validateDaily } from '../../runner/validate-daily.js'
import type { ValidateDailyResult } from '../../runner/validate-daily.js'
import type { CliContext } from '../cli-context.js'
import { EXIT } from '../cli-context.js'
import { dateFlag, parseFlags } from '../flag-schemas.js'
import { openWarehouse } from '../open-warehouse.js'
import { handle, printJson } from '../command-kit.js'
import type { ExitHolder } from '../command-kit.js'

const validateFlags = z.strictObject({ date: dateFlag })

export function validateDailyCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('validate-daily')
    .description(
      "the morning check: the project's daily checks (defineDailyCheck in includes/reports.ts), source freshness, today's rows against their checks, failing error assertions of the last 30 days, unverified intervals; exit 1 on any alert",
    )
    .option('--date <date>', "the morning to validate (YYYY-MM-DD; default today): today's slate, yesterday's games")
  return command.action(
    handle<Record<string, unknown>>(
      command,
      context,
      exit,
      async (raw, globals) => {
        const flags = parseFlags(validateFlags, raw)
        const date = flags.date ?? context.now().toISOString().slice(0, 10)
        const graph = await context.compile(globals)
        const checks = await loadDailyChecks(globals.root)
        const run = createRunInfo({ root: globals.root, env: context.env, now: context.now() })
        const adapter = await openWarehouse(context, globals, { command: 'validate-daily', readOnly: true })
        try {
          const result = await validateDaily({ graph, adapter, run, date, checks })
          if (globals.json) printJson(context, result)
          else context.io.stdout(formatValidation(result))
          return result.ok ? EXIT.ok : EXIT.failed
        } finally {
          await adapter.close()
        }
      },
      { warehouse: 'read' },
    ),
  )
}

/** Alerts first, one line each with the value and threshold; then a count of what passed per check. */
export function formatValidation(result: ValidateDailyResult): string {
  const lines = [`validate-daily ${result.date}: ${result.ok ? 'ok' : `${result.alerts.length} alert(s)`}`]
  for (const a of result.alerts) lines.push(`ALERT ${a.check}: ${a.message}`)
  const passed = new Map<string, number>()
  for (const f of result.findings.filter((f) => !f.alert)) passed.set(f.check, (passed.get(f.check) ?? 0) + 1)
  for (const [check, n] of passed) {
    const shown = result.findings.filter((f) => f.check === check && !f.alert).slice(0, 3)
    lines.push(`ok    ${check}: ${n} passed (${shown.map((f) => f.message).join('; ')}${n > 3 ? '; …' : ''})`)
  }
  return `${lines.join('\n')}\n`
}

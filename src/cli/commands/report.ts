import { Command } from 'commander'
import { formatReport, loadReports, REPORTS_MODULE, runReport } from '../../reports/run-report.js'
import type { CliContext } from '../cli-context.js'
import { EXIT, parseDateRange } from '../cli-context.js'
import { handle, printJson } from '../command-kit.js'
import type { ExitHolder } from '../command-kit.js'

export interface ReportFlags {
  from?: string
  to?: string
  system?: string
  by?: string
}

/** `pipeline report <name>`: a report the project defines in includes/reports.ts; without a name, the list. */
export function reportCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('report')
    .description(`run a report defined in ${REPORTS_MODULE} (without a name: list them)`)
    .argument('[name]', 'report name, e.g. hit-rate')
    .option('--from <date>', 'first date in scope (YYYY-MM-DD, inclusive)')
    .option('--to <date>', 'last date in scope (YYYY-MM-DD, inclusive)')
    .option('--system <id>', "system in scope (default: the report's)")
    .option('--by <grouping>', 'one row per group, as the report declares (e.g. day, build, run)')
  return command.action(
    handle<ReportFlags>(command, context, exit, async (flags, globals, args) => {
      const range = parseDateRange(flags.from, flags.to)
      const reports = await loadReports(globals.root)
      const name = args[0]
      if (name === undefined) {
        const list = [...reports.values()].map((r) => ({
          name: r.name,
          description: r.description,
          groupings: Object.keys(r.groupings),
        }))
        if (globals.json) printJson(context, list)
        else
          context.io.stdout(
            list.length
              ? list
                  .map(
                    (r) =>
                      `${r.name.padEnd(16)} ${r.description}${r.groupings.length ? ` (--by ${r.groupings.join('|')})` : ''}\n`,
                  )
                  .join('')
              : `no reports: ${REPORTS_MODULE} defines none\n`,
          )
        return EXIT.ok
      }
      const graph = await context.compile(globals)
      const adapter = await context.openAdapter(globals)
      try {
        const result = await runReport({
          graph,
          adapter,
          reports,
          request: {
            name,
            ...range,
            ...(flags.system ? { system: flags.system } : {}),
            ...(flags.by ? { by: flags.by } : {}),
          },
        })
        if (globals.json) printJson(context, result)
        else context.io.stdout(formatReport(result))
        return EXIT.ok
      } finally {
        await adapter.close()
      }
    }),
  )
}

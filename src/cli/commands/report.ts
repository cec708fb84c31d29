import { Command } from 'commander'
import { ConfigError } from '../../core/errors.js'
import type { ReportDefinition } from '../../reports/define-report.js'
import { paramFlag, resolveReportParams } from '../../reports/report-params.js'
import { formatReport, loadReports, REPORTS_MODULE, resolveReport, runReport } from '../../reports/run-report.js'
import type { CliContext, GlobalOptions } from '../cli-context.js'
import { htmlOut, writeHtmlReport } from './report-html.js'
import { EXIT, parseDateRange } from '../cli-context.js'
import { handle, printJson } from '../command-kit.js'
import { openWarehouse } from '../open-warehouse.js'
import type { ExitHolder } from '../command-kit.js'

export interface ReportFlags {
  from?: string
  to?: string
  by?: string
  param?: string[]
}

/** `pipeline report <name>`: a report the project defines in includes/reports.ts; without a name, the list. */
export function reportCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('report')
    .description(
      `run a report defined in ${REPORTS_MODULE} (without a name: list them with their parameters); a parameter the report declares is given as --<name> VALUE or --param name=VALUE`,
    )
    .argument('[name]', 'report name, e.g. hit-rate; html writes the charts page (--out FILE)')
    .option('--from <date>', 'first date in scope (YYYY-MM-DD, inclusive)')
    .option('--to <date>', 'last date in scope (YYYY-MM-DD, inclusive)')
    .option('--by <grouping>', 'one row per group, as the report declares (e.g. day, build, run)')
    .option('--param <name=value>', 'a parameter the report declares (repeatable)', collect, [])
    // Each report declares its own parameters (e.g. hit-rate's --system): they are known only once
    // the project's reports are loaded, so they reach the handler as unknown options.
    .allowUnknownOption()
    .allowExcessArguments()
  return command.action(
    handle<ReportFlags>(command, context, exit, async (flags, globals) => {
      const range = parseDateRange(flags.from, flags.to)
      const { operands, params } = parseReportArgs(command.args, flags.param ?? [])
      if (operands.length > 1)
        throw new ConfigError(`report takes one report name, got ${operands.map((o) => `"${o}"`).join(', ')}`)
      const reports = await loadReports(globals.root)
      const name = operands[0]
      if (name === undefined) {
        if (Object.keys(params).length)
          throw new ConfigError('report parameters need a report name, e.g. pipeline report hit-rate --system ID')
        return listReports(context, globals.json, reports)
      }
      if (name === 'html') return htmlCommand(context, globals, range, params)
      const request = { name, ...range, params, ...(flags.by ? { by: flags.by } : {}) }
      // A wrong name, grouping or parameter is bad usage: say so before compiling or opening the warehouse.
      resolveReportParams(resolveReport(reports, request), params)
      const graph = await context.compile(globals)
      const adapter = await openWarehouse(context, globals, {
        labels: { app: graph.project.name, command: 'report' },
        command: 'report',
        readOnly: true,
      })
      try {
        const result = await runReport({
          graph,
          adapter,
          reports,
          request,
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

/** `report html [--from D] [--to D] --out FILE`: the project's charts in one self-contained page. */
async function htmlCommand(
  context: CliContext,
  globals: GlobalOptions,
  range: { from?: string; to?: string },
  params: Record<string, string>,
): Promise<number> {
  const out = htmlOut(params, context.cwd)
  const graph = await context.compile(globals)
  const adapter = await openWarehouse(context, globals, {
    labels: { app: graph.project.name, command: 'report' },
    command: 'report',
    readOnly: true,
  })
  try {
    const charts = await writeHtmlReport(graph, adapter, { root: globals.root, out, ...range, now: context.now() })
    if (globals.json) printJson(context, { out, charts })
    else context.io.stdout(`report written: ${out} (${charts} charts)\n`)
    return EXIT.ok
  } finally {
    await adapter.close()
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

/**
 * Split what commander left (the report name and options it does not know) into operands and
 * parameters: `--name VALUE`, `--name=VALUE`, and each `--param name=VALUE`. Every parameter takes
 * a value, so no declaration is needed to split; the report checks names and values.
 */
export function parseReportArgs(
  args: readonly string[],
  paramFlags: readonly string[],
): { operands: string[]; params: Record<string, string> } {
  const operands: string[] = []
  const params: Record<string, string> = {}
  const set = (name: string, value: string | undefined, written: string) => {
    if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(name) || value === undefined)
      throw new ConfigError(`${written}: give a report parameter as --<name> VALUE or --param name=VALUE`)
    if (name in params) throw new ConfigError(`report parameter --${name} is given twice; give it once`)
    params[name] = value
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (!arg.startsWith('--')) {
      operands.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    if (eq > 0) set(arg.slice(2, eq), arg.slice(eq + 1), arg)
    else set(arg.slice(2), args[++i], arg)
  }
  for (const pair of paramFlags) {
    const eq = pair.indexOf('=')
    set(eq > 0 ? pair.slice(0, eq) : pair, eq > 0 ? pair.slice(eq + 1) : undefined, `--param ${pair}`)
  }
  return { operands, params }
}

function listReports(context: CliContext, json: boolean, reports: ReadonlyMap<string, ReportDefinition>): number {
  const list = [...reports.values()].map((r) => ({
    name: r.name,
    description: r.description,
    groupings: Object.keys(r.groupings),
    params: Object.entries(r.params).map(([name, spec]) => ({
      name,
      flag: paramFlag(name),
      type: spec.type,
      description: spec.description,
      ...(spec.default !== undefined ? { default: spec.default } : {}),
    })),
  }))
  if (json) {
    printJson(context, list)
    return EXIT.ok
  }
  if (list.length === 0) context.io.stdout(`no reports: ${REPORTS_MODULE} defines none\n`)
  for (const r of list) {
    const by = r.groupings.length ? ` (--by ${r.groupings.join('|')})` : ''
    context.io.stdout(`${r.name.padEnd(16)} ${r.description}${by}\n`)
    for (const p of r.params)
      context.io.stdout(
        `${''.padEnd(16)}   ${p.flag} ${p.type}: ${p.description}${p.default !== undefined ? ` (default ${String(p.default)})` : ''}\n`,
      )
  }
  return EXIT.ok
}

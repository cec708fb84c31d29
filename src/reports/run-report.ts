import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { ConfigError, PipelineError } from '../core/errors.js'
import { didYouMean } from '../core/did-you-mean.js'
import type { CompiledGraph } from '../compiler/compiled.js'
import type { Adapter, ParamValue } from '../engines/adapter.js'
import type { Dialect } from '../engines/dialect.js'
import { param, raw, refNode, sql } from '../sql/fragment.js'
import type { SqlFragment } from '../sql/fragment.js'
import { renderSql } from '../sql/render.js'
import { isReportDefinition } from './define-report.js'
import type { ReportColumn, ReportContext, ReportDefinition } from './define-report.js'
import { paramFlag, paramSqlName, resolveReportParams } from './report-params.js'
import { importProjectModule } from '../compiler/project-modules.js'

/** Where a project defines its reports, relative to the project root. */
export const REPORTS_MODULE = 'includes/reports.ts'

/** Parameter names the date range is bound to; declared parameters are bound as report_<snake_name>. */
export const REPORT_PARAMS = { from: 'report_from', to: 'report_to' } as const
const OPEN_FROM = '0001-01-01'
const OPEN_TO = '9999-12-31'

/** Command-line inputs of one report run; dates are validated 'YYYY-MM-DD' strings. */
export interface ReportRequest {
  readonly name: string
  readonly from?: string
  readonly to?: string
  /** Values of the report's declared parameters, as typed on the command line (checked against the declarations). */
  readonly params?: Readonly<Record<string, string>>
  /** A grouping the report declares; omitted, only the total row. */
  readonly by?: string
}

export type ReportValue = string | number | null
export type ReportRow = { readonly group_key: string } & Readonly<Record<string, ReportValue>>

export interface ReportResult {
  readonly report: string
  readonly description: string
  /** Label of the total row under a grouping. */
  readonly totalLabel: string
  readonly by: string | null
  /** The date range and the value of every declared parameter (given, default, or null). */
  readonly params: { readonly from: string | null; readonly to: string | null } & Readonly<Record<string, ParamValue>>
  readonly columns: readonly ReportColumn[]
  /** One row per group, in the query's order (empty without --by). */
  readonly rows: readonly ReportRow[]
  /** The same query over every row in scope (group_key 'all'); null when nothing is in scope. */
  readonly total: ReportRow | null
}

export class ReportError extends PipelineError {}

/** The reports a project exports from includes/reports.ts, by name; none when the file is absent. */
export async function loadReports(root: string): Promise<Map<string, ReportDefinition>> {
  const path = join(root, REPORTS_MODULE)
  try {
    await access(path)
  } catch {
    return new Map()
  }
  let exports: Record<string, unknown>
  try {
    exports = await importProjectModule(root, path)
  } catch (error) {
    throw new ConfigError(`${REPORTS_MODULE}: cannot load the reports module: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const reports = new Map<string, ReportDefinition>()
  for (const value of Object.values(exports)) {
    if (!isReportDefinition(value)) continue
    if (reports.has(value.name))
      throw new ConfigError(`${REPORTS_MODULE}: two reports are named "${value.name}"; rename one of them`)
    reports.set(value.name, value)
  }
  return reports
}

/** Pick the requested report and grouping, or explain what exists. */
export function resolveReport(
  reports: ReadonlyMap<string, ReportDefinition>,
  request: ReportRequest,
): ReportDefinition {
  const report = reports.get(request.name)
  if (!report) {
    const known = [...reports.keys()].sort()
    const hint = known.length
      ? `${didYouMean(request.name, known)}; reports: ${known.join(', ')}`
      : `; ${REPORTS_MODULE} defines none`
    throw new ConfigError(`Unknown report "${request.name}"${hint}`)
  }
  if (request.by !== undefined && !(request.by in report.groupings)) {
    const known = Object.keys(report.groupings)
    throw new ConfigError(
      `Report "${report.name}" has no grouping "${request.by}"${didYouMean(request.by, known)}; use --by ${known.join('|') || '(none declared)'}`,
    )
  }
  return report
}

/** The report's SQL for one grouping (null: the total), refs resolved against the compiled graph. */
export function renderReport(
  report: ReportDefinition,
  options: { graph: CompiledGraph; dialect: Dialect; by: string | null },
): string {
  const { dialect, graph } = options
  const declared = Object.entries(report.params).map(([name, spec]) => [name, param(paramSqlName(name), spec.type)])
  const base = {
    ref: (name: string) => refNode(name),
    params: {
      ...Object.fromEntries(declared),
      from: param(REPORT_PARAMS.from, 'DATE'),
      to: param(REPORT_PARAMS.to, 'DATE'),
    },
    fn: dialect.fn,
    engine: dialect.engine,
    stateTable: (name: 'runs' | 'intervals' | 'assertion_results') =>
      raw(dialect.formatTarget({ dataset: graph.project.stateDataset, name })),
  }
  const key = options.by === null ? sql`'all'` : (report.groupings[options.by]?.key(base) as SqlFragment)
  const context: ReportContext = {
    ...base,
    group: options.by === null ? key : dialect.fn.cast(key, 'STRING'),
    by: options.by,
  }
  const targets = new Map(graph.actions.map((a) => [a.name, a.target]))
  const fragment = report.query(context)
  const unknown = collectUnknownRefs(fragment, targets)
  if (unknown.length) {
    throw new ConfigError(
      `Report "${report.name}" (${REPORTS_MODULE}) reads unknown action(s) ${unknown.map((n) => `"${n}"${didYouMean(n, targets.keys())}`).join(', ')}`,
    )
  }
  return renderSql(fragment, { dialect, resolveRef: (name) => targets.get(name) ?? undefined })
}

function collectUnknownRefs(fragment: SqlFragment, targets: ReadonlyMap<string, unknown>): string[] {
  return fragment.nodes.filter((n) => n.kind === 'ref' && !targets.get(n.name)).map((n) => (n as { name: string }).name)
}

/** Run a report: the grouped rows (with --by) and the total, each one query with bound parameters. */
export async function runReport(options: {
  graph: CompiledGraph
  adapter: Adapter
  reports: ReadonlyMap<string, ReportDefinition>
  request: ReportRequest
}): Promise<ReportResult> {
  const { adapter, graph, request } = options
  const report = resolveReport(options.reports, request)
  const values = resolveReportParams(report, request.params)
  const params: Record<string, ParamValue> = {
    [REPORT_PARAMS.from]: request.from ?? OPEN_FROM,
    [REPORT_PARAMS.to]: request.to ?? OPEN_TO,
    ...Object.fromEntries(Object.entries(values).map(([name, value]) => [paramSqlName(name), value])),
  }
  const execute = async (by: string | null) => {
    const text = renderReport(report, { graph, dialect: adapter.dialect, by })
    const rows = await adapter.query(text, { params, label: `report ${report.name}` })
    return rows.map((row) => normalizeRow(report, row, by))
  }
  const rows = request.by === undefined ? [] : await execute(request.by)
  const [total] = await execute(null)
  return {
    report: report.name,
    description: report.description,
    totalLabel: report.totalLabel,
    by: request.by ?? null,
    params: { ...values, from: request.from ?? null, to: request.to ?? null },
    columns: report.columns,
    rows,
    total: total ?? null,
  }
}

/** The columns a grouping shows (null: the total). */
export function columnsFor<C extends { groupings?: readonly string[] | undefined }>(
  columns: readonly C[],
  by: string | null,
): C[] {
  return columns.filter((c) => !c.groupings || (by !== null && c.groupings.includes(by)))
}

function normalizeRow(report: ReportDefinition, row: Record<string, unknown>, by: string | null): ReportRow {
  if (!('group_key' in row))
    throw new ReportError(
      'report-shape',
      `Report "${report.name}" (${REPORTS_MODULE}): the query must select \${ctx.group} AS group_key`,
    )
  const out: Record<string, ReportValue> = { group_key: row.group_key === null ? '(none)' : String(row.group_key) }
  for (const column of columnsFor(report.columns, by)) {
    if (!(column.name in row))
      throw new ReportError(
        'report-shape',
        `Report "${report.name}" (${REPORTS_MODULE}): the query does not select column "${column.name}"`,
      )
    const value = row[column.name]
    out[column.name] =
      value === null || value === undefined ? null : column.format === 'text' ? String(value) : Number(value)
  }
  return out as ReportRow
}

/** A text table: group column then the report's columns, right-aligned numbers. */
export function formatReport(result: ReportResult): string {
  const columns = columnsFor(result.columns, result.by)
  const header = [result.by ?? 'scope', ...columns.map((c) => c.label ?? c.name)]
  const rows = [
    ...result.rows,
    ...(result.total ? [{ ...result.total, group_key: result.by ? result.totalLabel : 'all' }] : []),
  ]
  const cells = rows.map((row) => [row.group_key, ...columns.map((c) => formatValue(row[c.name] ?? null, c))])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)))
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  const { from, to, ...declared } = result.params
  const scope = [
    `from ${from ?? '(start)'}`,
    `to ${to ?? '(end)'}`,
    ...Object.entries(declared).flatMap(([name, value]) =>
      value === null ? [] : [`${paramFlag(name).slice(2)} ${String(value)}`],
    ),
  ]
  const out = [
    `${result.report}: ${result.description}`,
    scope.join(', '),
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
  ]
  if (rows.length === 0) out.push('(no rows in scope)')
  for (const row of cells) out.push(line(row))
  return `${out.join('\n')}\n`
}

function formatValue(value: ReportValue, column: ReportColumn): string {
  if (value === null) return '-'
  if (typeof value === 'string') return value
  switch (column.format) {
    case 'ratio':
      return value.toFixed(3)
    case 'integer':
      return String(Math.round(value))
    case 'text':
      return String(value)
    case 'number':
      return value.toFixed(2)
  }
}

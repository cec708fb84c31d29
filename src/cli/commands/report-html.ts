import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { CompiledGraph } from '../../compiler/compiled.js'
import { ConfigError } from '../../core/errors.js'
import type { Adapter } from '../../engines/adapter.js'
import { loadCharts, queryCharts } from '../../reports/charts.js'
import type { ChartData } from '../../reports/charts.js'
import { renderHtmlPage } from '../../reports/html-page.js'

export interface HtmlReportRequest {
  readonly root: string
  readonly out: string
  readonly from?: string
  readonly to?: string
  readonly now: Date
}

/** `--out FILE` of `report html`, resolved against the working directory; refused when missing. */
export function htmlOut(params: Readonly<Record<string, string>>, cwd: string): string {
  const extra = Object.keys(params).filter((k) => k !== 'out')
  if (extra.length)
    throw new ConfigError(
      `report html takes --from, --to and --out FILE; it has no parameter ${extra.map((k) => `--${k}`).join(', ')}`,
    )
  if (!params.out) throw new ConfigError('report html needs --out FILE, e.g. --out report.html')
  return resolve(cwd, params.out)
}

/** The charts' rows, queried: what writeHtmlPage draws. */
export interface HtmlReportData {
  readonly request: HtmlReportRequest
  readonly title: string
  readonly data: readonly ChartData[]
}

/** Query the project's charts, render them to SVG in one self-contained page, and write it (atomically). */
export async function writeHtmlReport(
  graph: CompiledGraph,
  adapter: Adapter,
  request: HtmlReportRequest,
): Promise<number> {
  return writeHtmlPage(await queryHtmlReport(graph, adapter, request))
}

/** The warehouse part of writeHtmlReport: load the charts and run their queries. */
export async function queryHtmlReport(
  graph: CompiledGraph,
  adapter: Adapter,
  request: HtmlReportRequest,
): Promise<HtmlReportData> {
  const charts = await loadCharts(request.root)
  if (charts.length === 0) throw new ConfigError('report html: includes/reports.ts defines no chart (defineChart)')
  const data = await queryCharts({
    graph,
    adapter,
    charts,
    ...(request.from ? { from: request.from } : {}),
    ...(request.to ? { to: request.to } : {}),
  })
  return { request, title: `${graph.project.name} report`, data }
}

/** The rendering part of writeHtmlReport (no warehouse): draw the queried charts and write the page; the chart count. */
export async function writeHtmlPage(report: HtmlReportData): Promise<number> {
  const { request } = report
  const html = await renderHtmlPage(
    {
      title: report.title,
      subtitle: `${request.from ?? 'start'} to ${request.to ?? 'end'}`,
      generatedAt: request.now.toISOString().slice(0, 19).replace('T', ' ') + ' UTC',
    },
    report.data,
  )
  mkdirSync(dirname(request.out), { recursive: true })
  const temporary = `${request.out}.${process.pid}.tmp`
  writeFileSync(temporary, html)
  renameSync(temporary, request.out)
  return report.data.length
}

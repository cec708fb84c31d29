/**
 * What `start` prints and writes after its run: the tables' row counts, the assertions, the project's
 * summary report and the HTML report. The warehouse's part (counts, report and chart queries) comes
 * first; then drawing the charts (JavaScript) overlaps DuckDB's checkpoint (see finishStartOutputs).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import { relationsExist } from '../engines/adapter.js'
import { formatReport, loadReports, runReport } from '../reports/run-report.js'
import { loadRenderer } from '../reports/html-page.js'
import type { RunResult } from '../runner/result.js'
import { countAllRowsSql } from '../runner/staging.js'
import type { CliContext } from './cli-context.js'
import { queryHtmlReport, writeHtmlPage } from './commands/report-html.js'
import type { HtmlReportData } from './commands/report-html.js'

export interface TableRows {
  readonly table: string
  readonly rows: number
}

/** The HTML report's outcome, as `start --json` prints it. */
export interface StartReport {
  readonly path: string | null
  readonly message: string
}

/** Rows in every table the run built, for the summary: one statement for all the counts. */
export async function tableRows(graph: CompiledGraph, adapter: Adapter): Promise<TableRows[]> {
  const relations = graph.actions.filter((a) => a.kind === 'table' || a.kind === 'incremental')
  const exists = await relationsExist(
    adapter,
    relations.map((a) => a.target),
  )
  const present = relations.filter((_, i) => exists[i])
  if (present.length === 0) return []
  const counts = present.map((action, i) => {
    const dateColumn = action.kind === 'incremental' ? action.definition.interval.column : undefined
    return `SELECT ${i} AS i, n FROM (${countAllRowsSql(adapter.dialect, action.target, dateColumn)}) AS count_${i}`
  })
  const rows = await adapter.query<{ i: number | bigint; n: number | bigint }>(counts.join('\nUNION ALL\n'))
  const byIndex = new Map(rows.map((r) => [Number(r.i), Number(r.n ?? 0)]))
  return present.map((a, i) => ({ table: `${a.target.dataset}.${a.target.name}`, rows: byIndex.get(i) ?? 0 }))
}

export function printChecks(context: CliContext, result: RunResult): void {
  const byAssertion = new Map<string, { severity: string; passed: number; failed: number; skipped: number }>()
  for (const check of result.actions.flatMap((a) => a.checks)) {
    const entry = byAssertion.get(check.assertion) ?? { severity: check.severity, passed: 0, failed: 0, skipped: 0 }
    if (check.skipped) entry.skipped++
    else if (check.passed) entry.passed++
    else entry.failed++
    byAssertion.set(check.assertion, entry)
  }
  context.io.stdout('\nassertions (partitions passed / failed / skipped):\n')
  for (const [name, e] of [...byAssertion].sort(([a], [b]) => a.localeCompare(b))) {
    const verdict = e.failed === 0 ? 'pass' : e.severity === 'error' ? 'FAIL' : 'warn'
    context.io.stdout(`  ${verdict.padEnd(4)} ${name.padEnd(70)} ${e.passed} / ${e.failed} / ${e.skipped}\n`)
  }
}

/** The project's summary report (e.g. the hit rate) as printed, when it defines one; never throws. */
export async function summaryReportText(graph: CompiledGraph, adapter: Adapter): Promise<string> {
  const summary = graph.project.summaryReport
  if (!summary) return ''
  try {
    const reports = await loadReports(graph.root)
    const result = await runReport({
      graph,
      adapter,
      reports,
      request: { name: summary.name, ...(summary.by ? { by: summary.by } : {}) },
    })
    return `\n${summary.name}${summary.by ? ` by ${summary.by}` : ''}:\n${formatReport(result)}`
  } catch (error) {
    return `\n${summary.name}: not available (${(error as Error).message.split('\n')[0]})\n`
  }
}

/** The HTML report's page: left as it is, failed already, or queried and waiting to be drawn. */
export type StartReportDraft = StartReport | { readonly out: string; readonly report: HtmlReportData }

/**
 * The warehouse part of the HTML report at .pipeline/report.html. It is rewritten when the run wrote
 * rows (or the page is missing), so a second start with nothing to build stays fast. Never throws.
 */
export async function queryStartReport(
  context: CliContext,
  graph: CompiledGraph,
  adapter: Adapter,
  root: string,
  result: RunResult,
): Promise<StartReportDraft> {
  const out = join(root, '.pipeline', 'report.html')
  const wrote = result.actions.some((a) => (a.rowsWritten ?? 0) > 0)
  if (!wrote && existsSync(out)) return { path: out, message: `HTML report (unchanged): ${out}` }
  // vega is loaded while the warehouse answers the queries below.
  loadRenderer().catch(() => undefined)
  try {
    return { out, report: await queryHtmlReport(graph, adapter, { root, out, now: context.now() }) }
  } catch (error) {
    return notWritten(error)
  }
}

/**
 * Draw and write the page while DuckDB checkpoints the warehouse (work its close would otherwise do
 * after the page, on the same thread); then the warehouse has nothing left to write.
 */
export async function finishStartOutputs(adapter: Adapter, draft: StartReportDraft): Promise<StartReport> {
  // A checkpoint that fails here is tried again, and reported, by the close.
  const checkpoint = adapter.engine === 'duckdb' ? adapter.query('CHECKPOINT').catch(() => undefined) : undefined
  try {
    if (!('report' in draft)) return draft
    try {
      const charts = await writeHtmlPage(draft.report)
      return { path: draft.out, message: `HTML report: ${draft.out} (${charts} charts)` }
    } catch (error) {
      return notWritten(error)
    }
  } finally {
    await checkpoint
  }
}

function notWritten(error: unknown): StartReport {
  return { path: null, message: `HTML report: not written (${(error as Error).message.split('\n')[0]})` }
}

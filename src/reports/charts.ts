import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { ActionName } from '../core/registry.js'
import type { CompiledGraph } from '../compiler/compiled.js'
import { importProjectModule } from '../compiler/project-modules.js'
import type { Adapter, ParamValue } from '../engines/adapter.js'
import type { EngineId, SqlFunctions } from '../engines/dialect.js'
import { param, raw, refNode } from '../sql/fragment.js'
import type { SqlFragment } from '../sql/fragment.js'
import { renderSql } from '../sql/render.js'
import { REPORTS_MODULE } from './run-report.js'

/** What a chart's query receives: refs, the page's date range (DATE parameters), the engine's functions and state tables. */
export interface ChartContext {
  ref(name: ActionName): SqlFragment
  readonly params: { readonly from: SqlFragment; readonly to: SqlFragment }
  readonly fn: SqlFunctions
  readonly engine: EngineId
  /** One of the engine's bookkeeping tables (assertion results over time, runs). */
  stateTable(name: 'runs' | 'intervals' | 'assertion_results'): SqlFragment
}

/** A Vega-Lite specification without its data: the chart's rows become `data.values`. */
export type VegaLiteSpec = Readonly<Record<string, unknown>>

const CHART_MARK = Symbol.for('pipeline.chart')

const chartSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'use snake_case'),
  title: z.string().min(1),
  description: z.string().min(1),
  /** Order on the page, lowest first. Default 100. */
  order: z.number().default(100),
  query: z.custom<(ctx: ChartContext) => SqlFragment>((v) => typeof v === 'function', 'must be a function'),
  spec: z.record(z.string(), z.unknown()),
})

export type ChartConfig = z.input<typeof chartSchema>
export type ChartDefinition = z.output<typeof chartSchema> & { readonly kind: 'chart' }

/**
 * A chart of `pipeline report html`, exported from includes/reports.ts: a query and a Vega-Lite spec
 * that draws its rows (rendered to SVG on the server; the page needs no network).
 * @example export const volume = defineChart({ name: 'volume', title: 'Rows per day', description: '…',
 *   query: (ctx) => sql`select day, count(*) as n from ${ctx.ref('orders')} group by 1`,
 *   spec: { mark: 'line', encoding: { x: { field: 'day', type: 'temporal' }, y: { field: 'n', type: 'quantitative' } } } })
 */
export function defineChart(config: ChartConfig): ChartDefinition {
  const parsed = chartSchema.safeParse(config)
  if (!parsed.success)
    throw new Error(
      `Chart "${String(config?.name)}": invalid definition: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    )
  const chart = { kind: 'chart' as const, ...parsed.data }
  Object.defineProperty(chart, CHART_MARK, { value: true, enumerable: false })
  return Object.freeze(chart)
}

export function isChart(value: unknown): value is ChartDefinition {
  return typeof value === 'object' && value !== null && CHART_MARK in value
}

/** The charts a project exports from its reports module, in page order. */
export async function loadCharts(root: string): Promise<ChartDefinition[]> {
  const path = join(root, REPORTS_MODULE)
  if (!existsSync(path)) return []
  const exports = await importProjectModule(root, path)
  return Object.values(exports)
    .filter(isChart)
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name))
}

/** A chart with its rows, ready to draw. */
export interface ChartData {
  readonly chart: ChartDefinition
  readonly rows: readonly Record<string, unknown>[]
}

/** Run every chart's query over [from, to] (open ends: the whole history). */
export async function queryCharts(options: {
  graph: CompiledGraph
  adapter: Adapter
  charts: readonly ChartDefinition[]
  from?: string
  to?: string
}): Promise<ChartData[]> {
  const { graph, adapter } = options
  const dialect = adapter.dialect
  const targets = new Map(graph.actions.map((a) => [a.name, a.target]))
  const context: ChartContext = {
    ref: (name) => refNode(name),
    params: { from: param('chart_from', 'DATE'), to: param('chart_to', 'DATE') },
    fn: dialect.fn,
    engine: dialect.engine,
    stateTable: (name) => raw(dialect.formatTarget({ dataset: graph.project.stateDataset, name })),
  }
  const params: Record<string, ParamValue> = {
    chart_from: options.from ?? '0001-01-01',
    chart_to: options.to ?? '9999-12-31',
  }
  const out: ChartData[] = []
  for (const chart of options.charts) {
    const text = renderSql(chart.query(context), { dialect, resolveRef: (name) => targets.get(name) ?? undefined })
    const rows = await adapter.query<Record<string, unknown>>(text, { params, label: `chart ${chart.name}` })
    out.push({ chart, rows: rows.map(plainRow) })
  }
  return out
}

/** Values Vega can read: numbers as numbers, dates and timestamps as ISO text. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row))
    out[key] = typeof value === 'bigint' ? Number(value) : value instanceof Date ? value.toISOString() : value
  return out
}

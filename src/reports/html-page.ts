import type * as Vega from 'vega'
import type * as VegaLite from 'vega-lite'
import type { ChartData } from './charts.js'

/** What the page says about itself. */
export interface PageInfo {
  readonly title: string
  readonly subtitle: string
  readonly generatedAt: string
}

type Renderer = readonly [typeof VegaLite, typeof Vega]
let renderer: Promise<Renderer> | undefined

/**
 * vega-lite and vega, loaded once. Calling it early (start does, before the report's queries) lets the
 * loading overlap the warehouse's work; a failure surfaces when the page is rendered.
 */
export function loadRenderer(): Promise<Renderer> {
  renderer ??= Promise.all([import('vega-lite'), import('vega')])
  return renderer
}

/**
 * One self-contained page: every chart compiled from Vega-Lite and rendered to SVG here (no script,
 * no network when viewing). vega and vega-lite are loaded only when a page is rendered.
 */
export async function renderHtmlPage(info: PageInfo, charts: readonly ChartData[]): Promise<string> {
  const [vl, vega] = await loadRenderer()
  const sections: string[] = []
  for (const { chart, rows } of charts) {
    let body: string
    if (rows.length === 0) body = '<p class="empty">No rows in scope.</p>'
    else {
      const spec = { ...chart.spec, data: { values: rows }, background: 'white' }
      const compiled = vl.compile(spec as Parameters<typeof vl.compile>[0]).spec
      const view = new vega.View(vega.parse(compiled), { renderer: 'none' })
      body = await view.toSVG()
      view.finalize()
    }
    sections.push(
      `<section id="${escapeHtml(chart.name)}">\n<h2>${escapeHtml(chart.title)}</h2>\n<p>${escapeHtml(chart.description)}</p>\n<div class="chart">${body}</div>\n</section>`,
    )
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(info.title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px auto; max-width: 1100px; color: #222; }
h1 { margin-bottom: 0; } .sub { color: #666; margin-top: 4px; }
section { margin: 28px 0; } .chart svg { max-width: 100%; height: auto; } .empty { color: #999; }
</style>
</head>
<body>
<h1>${escapeHtml(info.title)}</h1>
<p class="sub">${escapeHtml(info.subtitle)} · generated ${escapeHtml(info.generatedAt)}</p>
${sections.join('\n')}
</body>
</html>
`
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

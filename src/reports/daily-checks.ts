import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { importProjectModule } from '../compiler/project-modules.js'
import { REPORTS_MODULE } from './run-report.js'
import { addDays } from '../core/dates.js'
import type { IsoDate } from '../core/dates.js'
import type { ActionName } from '../core/registry.js'
import type { CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import type { EngineId, SqlFunctions } from '../engines/dialect.js'
import { param, refNode } from '../sql/fragment.js'
import type { SqlFragment } from '../sql/fragment.js'
import { renderSql } from '../sql/render.js'

/**
 * Daily checks: the morning questions of `pipeline validate-daily` (yesterday's hit rate, the week's,
 * today's slate), defined by the project beside its reports. Each query returns one row per subject:
 * `subject` (STRING: a date, a feature, a system), `label` (what was measured), `observed`, `op`
 * ('<', '<=', '>', '>=': the alert condition), `threshold` and `alert` (BOOL: observed op threshold).
 */
export interface DailyCheckContext {
  ref(name: ActionName): SqlFragment
  readonly params: {
    /** The morning's date (DATE): today's slate. */
    readonly date: SqlFragment
    /** date − 1: yesterday's games. */
    readonly yesterday: SqlFragment
    /** date − 7: the first day of the rolling week (through yesterday). */
    readonly weekStart: SqlFragment
  }
  readonly fn: SqlFunctions
  readonly engine: EngineId
}

const DAILY_CHECK_MARK = Symbol.for('pipeline.dailyCheck')

const dailyCheckSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'use snake_case'),
  description: z.string().min(1),
  query: z.custom<(ctx: DailyCheckContext) => SqlFragment>((v) => typeof v === 'function', 'must be a function'),
})

export type DailyCheckConfig = z.input<typeof dailyCheckSchema>
export type DailyCheckDefinition = z.output<typeof dailyCheckSchema> & { readonly kind: 'daily-check' }

/**
 * A check of `pipeline validate-daily`, exported from includes/reports.ts.
 * @example export const lateOrders = defineDailyCheck({ name: 'late_orders', description: 'late share yesterday',
 *   query: (ctx) => sql`select 'all' as subject, 'late share' as label, avg(late) as observed, '>' as op,
 *     0.1 as threshold, avg(late) > 0.1 as alert from ${ctx.ref('orders')} where day = ${ctx.params.yesterday}` })
 */
export function defineDailyCheck(config: DailyCheckConfig): DailyCheckDefinition {
  const parsed = dailyCheckSchema.safeParse(config)
  if (!parsed.success)
    throw new Error(
      `Daily check "${String(config?.name)}": invalid definition: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    )
  const check = { kind: 'daily-check' as const, ...parsed.data }
  Object.defineProperty(check, DAILY_CHECK_MARK, { value: true, enumerable: false })
  return Object.freeze(check)
}

export function isDailyCheck(value: unknown): value is DailyCheckDefinition {
  return typeof value === 'object' && value !== null && DAILY_CHECK_MARK in value
}

/** One measured subject of a daily check. */
export interface DailyFinding {
  readonly check: string
  readonly subject: string
  readonly label: string
  readonly observed: number | null
  readonly op: string
  readonly threshold: number | null
  readonly alert: boolean
  /** e.g. 'hit rate 0.472 < 0.550 [2026-01-22 model_a]'. */
  readonly message: string
}

function formatNumber(value: number | null): string {
  if (value === null) return 'NULL'
  return Number.isInteger(value) ? String(value) : value.toFixed(3)
}

export function findingMessage(f: Omit<DailyFinding, 'message'>): string {
  const rule = f.alert ? `${f.op} ${formatNumber(f.threshold)}` : `(alert ${f.op} ${formatNumber(f.threshold)})`
  return `${f.label} ${formatNumber(f.observed)} ${rule} [${f.subject}]`
}

/** Run the project's daily checks for the morning of `date`. */
export async function runDailyChecks(options: {
  graph: CompiledGraph
  adapter: Adapter
  checks: readonly DailyCheckDefinition[]
  date: IsoDate
}): Promise<DailyFinding[]> {
  const { graph, adapter } = options
  const targets = new Map(graph.actions.map((a) => [a.name, a.target]))
  const context: DailyCheckContext = {
    ref: (name) => refNode(name),
    params: {
      date: param('daily_date', 'DATE'),
      yesterday: param('daily_yesterday', 'DATE'),
      weekStart: param('daily_week_start', 'DATE'),
    },
    fn: adapter.dialect.fn,
    engine: adapter.dialect.engine,
  }
  const params = {
    daily_date: options.date,
    daily_yesterday: addDays(options.date, -1),
    daily_week_start: addDays(options.date, -7),
  }
  const findings: DailyFinding[] = []
  for (const check of options.checks) {
    const fragment = check.query(context)
    const text = renderSql(fragment, { dialect: adapter.dialect, resolveRef: (name) => targets.get(name) ?? undefined })
    const rows = await adapter.query<Record<string, unknown>>(text, { params, label: `daily check ${check.name}` })
    for (const row of rows) findings.push(toFinding(check.name, row))
  }
  return findings
}

function toFinding(check: string, row: Record<string, unknown>): DailyFinding {
  const number = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  const finding = {
    check,
    subject: String(row.subject ?? ''),
    label: String(row.label ?? check),
    observed: number(row.observed),
    op: String(row.op ?? ''),
    threshold: number(row.threshold),
    alert: row.alert === true || row.alert === 1 || row.alert === 'true',
  }
  return { ...finding, message: findingMessage(finding) }
}

/** The daily checks a project exports from its reports module (includes/reports.ts); none when it is absent. */
export async function loadDailyChecks(root: string): Promise<DailyCheckDefinition[]> {
  const path = join(root, REPORTS_MODULE)
  if (!existsSync(path)) return []
  const exports = await importProjectModule(root, path)
  return Object.values(exports).filter(isDailyCheck)
}

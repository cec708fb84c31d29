/**
 * Small SQL builders shared by the precompute layer and the feature store. Everything here is
 * written once for both engines: portable SQL, `ctx.fn` for what differs, and (marked ENGINE GAP)
 * the two constructs `ctx.fn` does not offer yet.
 */
import { raw, sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'

/**
 * First date any incremental of this project covers: the sample starts with the 2024-25 season.
 * NBA_HISTORY_START moves it, for a warehouse seeded with more seasons (`pipeline seed --seasons 5`
 * starts in October 2021; the season-growth benchmark builds it all).
 */
export const HISTORY_START = historyStart(process.env.NBA_HISTORY_START)

function historyStart(value: string | undefined): string {
  if (value === undefined || value === '') return '2024-10-01'
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new Error(`NBA_HISTORY_START="${value}" is not a date; use YYYY-MM-DD (e.g. 2021-10-01), or unset it`)
  return value
}

/** DOMAIN §1.1: the first 14 days of a season, from its first game date, are bootstrap days. */
export const BOOTSTRAP_DAYS = 14

/**
 * Dates per statement set of the precompute, feature, prediction and grading batches. Batches by work,
 * not by calendar: the windows are linear in the history (player-history.ts), so a year of dates
 * (about 45k player-games) is one statement set; a daily run still builds its one missing date. Audits
 * stay per date, and a date that fails publishes the dates before it (src/runner/partial-publish.ts).
 */
export const BATCH_DAYS = 366

/** `column` inside the interval being built: start ≤ column < end. */
export function inInterval(ctx: ActionContext, column: string): SqlFragment {
  return sql`${raw(column)} >= ${ctx.interval.start} AND ${raw(column)} < ${ctx.interval.end}`
}

/** `column` before the end of the interval (history a batch may read). */
export function beforeIntervalEnd(ctx: ActionContext, column: string): SqlFragment {
  return sql`${raw(column)} < ${ctx.interval.end}`
}

/** season_year of a date: its year from October on, else the year before (DOMAIN §1.1). */
export function seasonYearOf(date: SqlFragment): SqlFragment {
  return sql`(CASE WHEN EXTRACT(MONTH FROM ${date}) >= 10 THEN EXTRACT(YEAR FROM ${date}) ELSE EXTRACT(YEAR FROM ${date}) - 1 END)`
}

/** Whole years from `birth` to `date` (age on that date). */
export function ageInYears(birth: SqlFragment, date: SqlFragment): SqlFragment {
  return sql`(EXTRACT(YEAR FROM ${date}) - EXTRACT(YEAR FROM ${birth})
    - CASE WHEN EXTRACT(MONTH FROM ${date}) * 100 + EXTRACT(DAY FROM ${date}) < EXTRACT(MONTH FROM ${birth}) * 100 + EXTRACT(DAY FROM ${birth}) THEN 1 ELSE 0 END)`
}

/**
 * `date` minus whole calendar years (Feb 29 → Feb 28 on both engines).
 * ENGINE GAP: ctx.fn has dateAddDays only; a `dateAddMonths` helper would remove this branch.
 */
export function yearsBefore(ctx: ActionContext, date: SqlFragment, years: number): SqlFragment {
  const n = raw(String(Math.trunc(years)))
  return ctx.engine === 'bigquery'
    ? sql`DATE_SUB(${date}, INTERVAL ${n} YEAR)`
    : sql`CAST(${date} - INTERVAL ${n} YEAR AS DATE)`
}

/**
 * A STRUCT value with named fields, in order.
 * ENGINE GAP: ctx.fn has jsonObject but no struct constructor; DuckDB spells it struct_pack.
 */
export function structOf(ctx: ActionContext, fields: readonly (readonly [string, SqlFragment])[]): SqlFragment {
  const parts = fields.map(([name, value]) =>
    ctx.engine === 'bigquery' ? sql`${value} AS ${raw(name)}` : sql`${raw(name)} := ${value}`,
  )
  return ctx.engine === 'bigquery' ? sql`STRUCT(${parts})` : sql`struct_pack(${parts})`
}

/** Round to `digits` decimals and cast to NUMERIC(p,s) (the precompute score columns). */
export function asNumeric(ctx: ActionContext, value: SqlFragment, precision: number, scale: number): SqlFragment {
  return ctx.fn.cast(sql`ROUND(${value}, ${raw(String(scale))})`, `NUMERIC(${precision},${scale})`)
}

/**
 * AVG over exact decimals, returned as FLOAT64, for a mean that feeds stored values. A float sum depends
 * on the order a parallel aggregation merges its partial sums (the last bits change with the thread
 * count, issue 15), so the values are cast to NUMERIC(38,9) first: the sum is exact and the mean the same
 * on every run. `over` (a window clause) makes it a window aggregate.
 */
export function exactAvg(ctx: ActionContext, value: SqlFragment, over?: SqlFragment): SqlFragment {
  const mean = sql`AVG(${ctx.fn.cast(value, 'NUMERIC(38,9)')})${over ? sql` ${over}` : sql``}`
  return ctx.fn.cast(mean, 'FLOAT64')
}

/**
 * Decimals a number keeps before it is hashed. Parallel aggregation is not bit-for-bit deterministic
 * (a sum's order changes its last bits), so equal inputs must be rounded to hash equal; 6 decimals sit
 * far above that noise (~1e-14 here) and below any change of a feature that matters.
 */
export const HASH_DECIMALS = 6

/** A number as it is hashed: a FLOAT64 rounded to HASH_DECIMALS (NULL stays NULL). */
export function roundForHash(ctx: ActionContext, value: SqlFragment): SqlFragment {
  return sql`ROUND(${ctx.fn.cast(value, 'FLOAT64')}, ${raw(String(HASH_DECIMALS))})`
}

/** sha256 of numbers, in the order given, each rounded by roundForHash; NULL becomes the text 'null'. */
export function hashNumbers(ctx: ActionContext, values: readonly SqlFragment[]): SqlFragment {
  const parts = values.map((v) => sql`COALESCE(${ctx.fn.cast(roundForHash(ctx, v), 'STRING')}, 'null')`)
  return ctx.fn.sha256Hex(joinText(parts, '|'))
}

/**
 * The texts joined by `separator`, as one CONCAT call. Each part must be non-NULL (BigQuery's CONCAT is
 * NULL when any argument is). One call copies each text once; a chain of `a || '|' || b ...` builds a new
 * string per operator, so its cost grows with the square of the parts (the hashes of 30-45 values per row
 * were a third of the feature store's and the predictions' query time on DuckDB).
 */
export function joinText(parts: readonly SqlFragment[], separator: string): SqlFragment {
  if (parts.length === 0) return sql`''`
  const quoted = raw(`'${separator.replaceAll("'", "''")}'`)
  return sql`CONCAT(${joinWith(
    parts.flatMap((part, i) => (i === 0 ? [part] : [quoted, part])),
    ', ',
  )})`
}

/**
 * The non-NULL values of `x` in a group, as an array in ascending order (NULL when there are none).
 * ENGINE GAP: DuckDB's ordered aggregate (ARRAY_AGG ... ORDER BY) buffers and sorts every group apart; an
 * unordered list sorted afterwards with list_sort gives the same array for less (the feature store's
 * 35k groups); BigQuery keeps ARRAY_AGG's ORDER BY.
 */
export function sortedArrayAgg(ctx: ActionContext, x: SqlFragment): SqlFragment {
  return ctx.engine === 'duckdb' ? sql`list_sort(${ctx.fn.arrayAgg(x)})` : ctx.fn.arrayAgg(x, x)
}

/** Join fragments with an SQL separator. */
export function joinWith(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  return (
    fragments.reduce<SqlFragment | null>((acc, f) => (acc === null ? f : sql`${acc}${raw(separator)}${f}`), null) ??
    sql`NULL`
  )
}

/**
 * TRUE when some element of an array satisfies `predicate` (given the element as SQL).
 * ENGINE GAP: a table alias over UNNEST is a STRUCT in DuckDB, the element in BigQuery; DuckDB
 * needs a column alias list, which BigQuery rejects. An `fn.unnest(array, alias)` would remove this.
 */
export function anyElement(
  ctx: ActionContext,
  array: SqlFragment,
  predicate: (element: SqlFragment) => SqlFragment,
): SqlFragment {
  const from = ctx.engine === 'bigquery' ? sql`UNNEST(${array}) AS element` : sql`UNNEST(${array}) AS elements(element)`
  return sql`EXISTS (SELECT 1 FROM ${from} WHERE ${predicate(sql`element`)})`
}

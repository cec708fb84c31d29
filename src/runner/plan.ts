import { addDays, batchIntervals, isIsoDate, subtractIntervals } from '../core/dates.js'
import type { DateInterval, IsoDate } from '../core/dates.js'
import type { CompiledAction, CompiledDeclaration, CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
import type { Target } from '../engines/dialect.js'
import type { StateStore } from '../state/state-store.js'

export interface IntervalOptions {
  /** First date to build (inclusive). */
  readonly from?: IsoDate
  /** Last date to build (inclusive). */
  readonly to?: IsoDate
  readonly fullRefresh?: boolean
  /** Rebuild the range even where intervals are recorded as done. */
  readonly restate?: boolean
  /** With restate: intervals these runs already completed are not rebuilt (a resumed backfill). */
  readonly resumeRunIds?: readonly string[]
  /** Today's date, the bound for actions with no upstream data bound. */
  readonly today: IsoDate
}

export interface IntervalPlan {
  /** The dates the action should cover in this run. */
  readonly range: DateInterval
  /** Batches to process, in order. */
  readonly batches: readonly DateInterval[]
}

/** For every selected incremental action, the batches it must process; reads warehouse state once. */
export async function planIntervals(
  graph: CompiledGraph,
  selected: ReadonlySet<string>,
  adapter: Adapter,
  state: Pick<StateStore, 'completedIntervalsOf'>,
  options: IntervalOptions,
): Promise<Map<string, IntervalPlan>> {
  const incremental = graph.actions.filter((a) => a.kind === 'incremental' && selected.has(a.name))
  const bounds = await dataBounds(graph, incremental, adapter, options.today)
  const recorded = await recordedIntervals(incremental, state, options)
  const plans = new Map<string, IntervalPlan>()
  for (const action of incremental) {
    const definition = action.definition
    if (definition.kind !== 'incremental') continue
    const start = options.from && options.from > definition.interval.start ? options.from : definition.interval.start
    const bound = bounds.get(action.name) ?? addDays(options.today, 1)
    const toEnd = options.to ? addDays(options.to, 1) : bound
    const end = toEnd < bound ? toEnd : bound
    const range = { start, end: end > start ? end : start }
    const done = recorded.get(action.name) ?? []
    const reopened = options.fullRefresh || options.restate ? [] : await reopenedDates(action, adapter, range)
    const stillDone = reopened.length ? done.flatMap((interval) => subtractIntervals(interval, reopened)) : done
    plans.set(action.name, {
      range,
      batches: batchIntervals(subtractIntervals(range, stillDone), definition.interval.batchDays),
    })
  }
  return plans
}

/**
 * The intervals to leave out, per action, in one read: none for a full refresh or a restatement, except
 * those the resumed runs completed.
 */
async function recordedIntervals(
  actions: readonly CompiledAction[],
  state: Pick<StateStore, 'completedIntervalsOf'>,
  options: IntervalOptions,
): Promise<Map<string, DateInterval[]>> {
  const names = actions.map((a) => a.name)
  if (options.fullRefresh) return new Map()
  if (!options.restate) return state.completedIntervalsOf(names)
  return options.resumeRunIds?.length ? state.completedIntervalsOf(names, options.resumeRunIds) : new Map()
}

/**
 * interval.reopen: the recorded dates among the last `days` of the range that the action's reopen
 * query names (inputs that arrived after the date was built), as one-day intervals to rebuild.
 */
async function reopenedDates(action: CompiledAction, adapter: Adapter, range: DateInterval): Promise<DateInterval[]> {
  if (action.kind !== 'incremental' || !action.sql.reopen) return []
  const reopen = action.definition.interval.reopen
  if (!reopen || !(await adapter.tableExists(action.target))) return []
  const earliest = addDays(range.end, -reopen.days)
  const start = earliest > range.start ? earliest : range.start
  if (start >= range.end) return []
  const found = await adapter.query(action.sql.reopen, {
    params: { [INTERVAL_START]: start, [INTERVAL_END]: range.end },
    label: `${action.name}: dates to reopen`,
  })
  const column = action.definition.interval.column
  const dates = new Set(found.map((row) => String(row[column] ?? '').slice(0, 10)))
  return [...dates]
    .filter((date) => isIsoDate(date) && date >= start && date < range.end)
    .sort()
    .map((date) => ({ start: date, end: addDays(date, 1) }))
}

/**
 * The exclusive end date of the data each selected incremental action can see, derived from the latest
 * dates of the sources upstream of it (read in one statement).
 */
async function dataBounds(
  graph: CompiledGraph,
  selected: readonly CompiledAction[],
  adapter: Adapter,
  today: IsoDate,
): Promise<Map<string, IsoDate>> {
  const byName = new Map(graph.actions.map((a) => [a.name, a]))
  const upstreams = (action: CompiledAction): CompiledAction[] => {
    const definition = action.definition
    const names =
      definition.kind === 'incremental' && definition.interval.until ? definition.interval.until : action.dependencies
    return names.flatMap((name) => {
      const upstream = byName.get(name)
      return upstream && upstream.kind !== 'assertion' ? [upstream] : []
    })
  }
  const sources = new Map<string, CompiledDeclaration>()
  const seen = new Set<string>()
  const collect = (action: CompiledAction): void => {
    if (seen.has(action.name)) return
    seen.add(action.name)
    if (action.kind === 'declaration') sources.set(action.name, action)
    upstreams(action).forEach(collect)
  }
  selected.forEach(collect)
  const latest = await latestDates([...sources.values()], adapter)
  const bounds = new Map<string, IsoDate | null>()
  const visit = (action: CompiledAction): IsoDate | null => {
    if (bounds.has(action.name)) return bounds.get(action.name) ?? null
    bounds.set(action.name, null)
    let bound: IsoDate | null = action.kind === 'declaration' ? (latest.get(action.name) ?? null) : null
    for (const upstream of action.kind === 'declaration' ? [] : upstreams(action)) {
      const upstreamBound = visit(upstream)
      if (upstreamBound !== null && (bound === null || upstreamBound < bound)) bound = upstreamBound
    }
    if (action.kind === 'incremental' && bound === null) bound = addDays(today, 1)
    bounds.set(action.name, bound)
    return bound
  }
  selected.forEach(visit)
  return new Map([...bounds].filter((e): e is [string, IsoDate] => e[1] !== null))
}

/**
 * The day after the latest date of each source with an interval column whose table exists, in one
 * statement of scalar subqueries (each keeps its column's type: a DATE and a TIMESTAMP never meet).
 */
async function latestDates(sources: readonly CompiledDeclaration[], adapter: Adapter): Promise<Map<string, IsoDate>> {
  const { dialect } = adapter
  const present: { name: string; column: string; target: Target }[] = []
  for (const source of sources) {
    const column = source.definition.interval?.column
    if (column && (await adapter.tableExists(source.target)))
      present.push({ name: source.name, column, target: source.target })
  }
  if (present.length === 0) return new Map()
  const columns = present.map(
    (s, i) =>
      `(SELECT MAX(${dialect.quoteIdentifier(s.column)}) FROM ${dialect.formatTarget(s.target)}) AS latest_${i}`,
  )
  const [row] = await adapter.query(`SELECT ${columns.join(',\n  ')}`, {
    label: `latest dates of ${present.length} sources`,
  })
  return new Map(
    present.flatMap((s, i) => {
      const value = row?.[`latest_${i}`]
      return value ? [[s.name, addDays(String(value).slice(0, 10), 1)] as const] : []
    }),
  )
}

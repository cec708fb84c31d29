import { addDays, batchIntervals, isIsoDate, subtractIntervals } from '../core/dates.js'
import type { DateInterval, IsoDate } from '../core/dates.js'
import type { CompiledAction, CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
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
  const bounds = await dataBounds(graph, adapter, options.today)
  const incremental = graph.actions.filter((a) => a.kind === 'incremental' && selected.has(a.name))
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

/** The exclusive end date of the data each action can see, derived from its sources' latest dates. */
async function dataBounds(graph: CompiledGraph, adapter: Adapter, today: IsoDate): Promise<Map<string, IsoDate>> {
  const byName = new Map(graph.actions.map((a) => [a.name, a]))
  const bounds = new Map<string, IsoDate | null>()
  const visit = async (action: CompiledAction): Promise<IsoDate | null> => {
    if (bounds.has(action.name)) return bounds.get(action.name) ?? null
    bounds.set(action.name, null)
    const bound = await ownBound(action, byName, visit, adapter, today)
    bounds.set(action.name, bound)
    return bound
  }
  for (const action of graph.actions) await visit(action)
  return new Map([...bounds].filter((e): e is [string, IsoDate] => e[1] !== null))
}

async function ownBound(
  action: CompiledAction,
  byName: ReadonlyMap<string, CompiledAction>,
  visit: (a: CompiledAction) => Promise<IsoDate | null>,
  adapter: Adapter,
  today: IsoDate,
): Promise<IsoDate | null> {
  const definition = action.definition
  if (definition.kind === 'declaration') {
    if (!definition.interval || !action.target) return null
    if (!(await adapter.tableExists(action.target))) return null
    const column = adapter.dialect.quoteIdentifier(definition.interval.column)
    const [row] = await adapter.query<{ latest: string | null }>(
      `SELECT MAX(${column}) AS latest FROM ${adapter.dialect.formatTarget(action.target)}`,
    )
    return row?.latest ? addDays(String(row.latest).slice(0, 10), 1) : null
  }
  const names =
    definition.kind === 'incremental' && definition.interval.until ? definition.interval.until : action.dependencies
  let bound: IsoDate | null = null
  for (const name of names) {
    const upstream = byName.get(name)
    if (!upstream || upstream.kind === 'assertion') continue
    const upstreamBound = await visit(upstream)
    if (upstreamBound !== null && (bound === null || upstreamBound < bound)) bound = upstreamBound
  }
  if (definition.kind === 'incremental' && bound === null) return addDays(today, 1)
  return bound
}

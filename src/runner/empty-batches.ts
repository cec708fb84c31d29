import type { IsoDate } from '../core/dates.js'
import type { CompiledAction } from '../compiler/compiled.js'
import type { Adapter, LiveColumn } from '../engines/adapter.js'
import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
import type { IntervalPlan } from './plan.js'
import { relationKey } from './plan-env.js'

/**
 * Batches of `merge` actions whose target holds no row in the batch's dates (keyed by action, then batch
 * start): they publish with a plain INSERT, as a MERGE there could match nothing. Only where the unique key
 * holds the interval column (a staged row can then only match a target row of the batch's own dates, which
 * the rows-inside-the-interval check guarantees) and where a scan costs nothing but time (engines that bill
 * bytes, BigQuery, are not probed and always MERGE). Read once while planning: within a run only the
 * action itself writes its target, and its batches' dates do not overlap.
 */
export async function readEmptyBatches(
  actions: readonly CompiledAction[],
  intervals: ReadonlyMap<string, IntervalPlan>,
  relations: ReadonlyMap<string, readonly LiveColumn[] | null>,
  adapter: Adapter,
  fullRefresh: boolean,
): Promise<Map<string, Set<IsoDate>>> {
  const empty = new Map<string, Set<IsoDate>>()
  if (adapter.dialect.capabilities.supportsDryRunCost) return empty
  const { dialect } = adapter
  for (const action of actions) {
    if (action.kind !== 'incremental') continue
    const { write, interval } = action.definition
    if (write.strategy !== 'merge' || !write.uniqueKey.includes(interval.column)) continue
    const batches = intervals.get(action.name)?.batches ?? []
    const exists = !fullRefresh && (relations.get(relationKey(action.target)) ?? null) !== null
    const c = dialect.quoteIdentifier(interval.column)
    const probe = `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${dialect.formatTarget(action.target)} WHERE ${c} >= ${dialect.param(INTERVAL_START, 'DATE')} AND ${c} < ${dialect.param(INTERVAL_END, 'DATE')} LIMIT 1) AS probe`
    const starts = new Set<IsoDate>()
    for (const batch of batches) {
      const rows = exists
        ? await adapter.query<{ n: number }>(probe, {
            params: { [INTERVAL_START]: batch.start, [INTERVAL_END]: batch.end },
            label: `${action.name}: rows in ${batch.start}..${batch.end}`,
          })
        : [{ n: 0 }]
      if (Number(rows[0]?.n ?? 0) === 0) starts.add(batch.start)
    }
    if (starts.size) empty.set(action.name, starts)
  }
  return empty
}

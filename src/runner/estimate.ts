import type { Adapter } from '../engines/adapter.js'
import type { ActionPlan } from './steps.js'

/** What a dry run estimates an action would scan: bytes in all, or why it could not say. */
export interface ActionEstimate {
  readonly action: string
  /** Bytes the action's queries would process, summed over its batches; null when not estimable. */
  readonly bytes: number | null
  /** Why there is no figure (e.g. an upstream table that this run would create does not exist yet). */
  readonly note?: string
}

export interface BytesEstimate {
  readonly total: number
  readonly actions: readonly ActionEstimate[]
}

/**
 * Where scans are billed by bytes (BigQuery), the bytes each planned table and incremental action
 * would process: its SELECT, once per batch with the batch's parameters, sent as a dry-run job (nothing
 * runs, nothing is written, nothing is billed). Elsewhere, null.
 */
export async function estimatePlanBytes(plans: readonly ActionPlan[], adapter: Adapter): Promise<BytesEstimate | null> {
  if (!adapter.dialect.capabilities.supportsDryRunCost) return null
  const actions: ActionEstimate[] = []
  for (const plan of plans) {
    const { action } = plan
    if ((action.kind !== 'table' && action.kind !== 'incremental') || plan.batches.length === 0) continue
    const query = action.sql.query
    if (!query) continue
    try {
      let bytes = 0
      for (const batch of plan.batches) {
        const estimate = await adapter.estimateBytes(query, { params: batch.params, label: `${action.name}: dry run` })
        bytes += estimate ?? 0
      }
      actions.push({ action: action.name, bytes })
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''
      actions.push({ action: action.name, bytes: null, note: reason.replace(/^bigquery: /, '') })
    }
  }
  return { total: actions.reduce((sum, a) => sum + (a.bytes ?? 0), 0), actions }
}

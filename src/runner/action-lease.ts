import { PipelineError } from '../core/errors.js'
import type { DateInterval } from '../core/dates.js'
import { LeaseLock, defaultLockOwner } from '../migrate/lease-lock.js'
import type { StateStore } from '../state/state-store.js'
import type { RunInfo } from './run-info.js'
import type { ActionPlan } from './steps.js'

/** A writer's hold on one action: renewed between batches, released when the action ends. */
export interface ActionLease {
  /** Extend the lease when half its time is gone; throws when another writer took it over. */
  renew(): Promise<void>
  release(): Promise<void>
}

/** Takes the lease of an action before its first write (see `createActionLeases`). */
export type LeaseAction = (plan: ActionPlan) => Promise<ActionLease | null>

/** How long an action's lease lasts without renewal: a crashed writer blocks the action at most this long. */
export const ACTION_LEASE_TTL_MS = 60 * 60_000

export class ActionBusyError extends PipelineError {
  constructor(message: string) {
    super('action-busy', message)
  }
}

/**
 * Per-action leases in pipeline_state.locks (the migrations' LeaseLock, one name per action), for engines
 * where two processes can write at once (BigQuery; a DuckDB file has one writer process). A writer that
 * finds the lease held fails the action at once and writes nothing for it; one that gets it checks that no
 * other run completed any of its planned intervals since it planned (its plan would be stale: an append
 * would add the rows twice), and refuses the same way if one did.
 */
export function createActionLeases(options: {
  readonly state: StateStore
  readonly run: RunInfo
  /** The latest `completed_at` in pipeline_state.intervals when the plan read them (warehouse clock). */
  readonly plannedAfter: string | null
}): LeaseAction {
  const { state, run } = options
  const owner = `run ${run.id} (${defaultLockOwner()})`
  return async (plan) => {
    const { action } = plan
    if ((action.kind !== 'incremental' && action.kind !== 'table') || plan.batches.length === 0) return null
    const lock = new LeaseLock(state.adapter, state.dataset, {
      name: `action:${action.name}`,
      owner,
      ttlMs: ACTION_LEASE_TTL_MS,
      waitMs: 0,
    })
    const holder = await lock.acquire()
    if (holder)
      throw new ActionBusyError(
        `Action "${action.name}": another writer holds its lease (${holder.owner}, until ${holder.expiresAt || 'unknown'}); nothing was written for it; run again once that run has finished`,
      )
    let taken = Date.now()
    try {
      await refuseStalePlan(plan, state, run, options.plannedAfter)
    } catch (error) {
      await lock.release()
      throw error
    }
    return {
      renew: async () => {
        if (Date.now() - taken < ACTION_LEASE_TTL_MS / 2) return
        if (!(await lock.renew()))
          throw new ActionBusyError(
            `Action "${action.name}": its lease expired and another writer took it over; the batches written so far are recorded, run again for the rest`,
          )
        taken = Date.now()
      },
      release: () => lock.release(),
    }
  }
}

async function refuseStalePlan(
  plan: ActionPlan,
  state: StateStore,
  run: RunInfo,
  plannedAfter: string | null,
): Promise<void> {
  const planned = plan.batches.flatMap((b) => (b.interval ? [b.interval] : []))
  if (planned.length === 0) return
  const recent = await state.intervalsCompletedSince(plan.action.name, plannedAfter, run.id)
  const clash = recent.find((r) => planned.some((p) => overlaps(p, r)))
  if (clash)
    throw new ActionBusyError(
      `Action "${plan.action.name}": run ${clash.runId} built ${clash.start} to ${clash.end} while this run was planning; nothing was written for it; run again to build what is still missing`,
    )
}

function overlaps(a: DateInterval, b: DateInterval): boolean {
  return String(a.start) < String(b.end) && String(b.start) < String(a.end)
}

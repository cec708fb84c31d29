import type { DateInterval } from '../core/dates.js'
import type { ParamValue } from '../engines/adapter.js'
import type { ActionPlan, Step } from './steps.js'

export interface StepJson {
  readonly kind: Step['kind']
  readonly role: Step['role']
  readonly label: string
  /** The statements sent, in order (a transaction has several; describe and gate send none). */
  readonly sql: readonly string[]
  /** Set on a publish transaction: the interval recorded as done in the same transaction. */
  readonly records?: DateInterval
}

export interface PlanJson {
  readonly action: string
  readonly kind: string
  readonly range: DateInterval | null
  /** Session staging: what a batch that fails after staging sends to keep its staged rows for inspection. */
  readonly keepStaged?: readonly StepJson[]
  /**
   * Set when each batch is staged (on its own connection) while the one before is audited and published:
   * the batches' statements interleave; each batch's stay in order, and audits and publishes go batch by batch.
   */
  readonly overlappingBatches?: true
  readonly batches: readonly {
    readonly interval: DateInterval | null
    readonly params: Readonly<Record<string, ParamValue>>
    readonly steps: readonly StepJson[]
    readonly onFailure: readonly StepJson[]
  }[]
}

function stepJson(step: Step): StepJson {
  const base = { kind: step.kind, role: step.role, label: step.label }
  switch (step.kind) {
    case 'transaction':
      return { ...base, sql: step.statements.map((s) => s.sql), ...(step.records ? { records: step.records } : {}) }
    case 'describe':
    case 'gate':
    case 'copy':
      return { ...base, sql: [] }
    case 'checks':
      return { ...base, sql: step.statements.map((s) => s.sql) }
    default:
      return { ...base, sql: [step.sql] }
  }
}

/** A plan as plain JSON: what `run --dry-run --json` prints. */
export function planToJson(plans: readonly ActionPlan[]): PlanJson[] {
  return plans.map((plan) => ({
    action: plan.action.name,
    kind: plan.action.kind,
    range: plan.range,
    ...(plan.sessionStaging && plan.batches.length ? { keepStaged: plan.sessionStaging.keep.map(stepJson) } : {}),
    ...(plan.sessionStaging?.overlap ? { overlappingBatches: true as const } : {}),
    batches: plan.batches.map((b) => ({
      interval: b.interval,
      params: b.params,
      steps: b.steps.map(stepJson),
      onFailure: b.onFailure.map(stepJson),
    })),
  }))
}

import type { CheckContext, CheckDefinition } from './types.js'
import { defineCheck } from './types.js'

/** What a standalone assertion's check is bound to at compile time. */
export interface CheckBinding {
  /** Formatted table name of the asserted action. */
  readonly relation: string
  /** The target's partition column (or the assertion's partitionColumn); null evaluates it whole. */
  readonly partitionColumn: string | null
  /** Formatted table names of other actions (relative rowCount). */
  readonly resolveRelation: (actionName: string) => string
}

/**
 * A check that always reads its bound relation: a standalone assertion runs as its own action, so
 * whoever evaluates it (a run, `pipeline assert`) only supplies the dialect and the interval filter.
 */
export function bindCheck(check: CheckDefinition, binding: CheckBinding): CheckDefinition {
  return defineCheck({
    name: check.name,
    severity: check.severity,
    builtin: check.builtin,
    dependsOn: check.dependsOn,
    render: (ctx: CheckContext) => check.render({ ...ctx, ...binding }),
  })
}

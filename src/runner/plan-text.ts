import type { PlanJson, StepJson } from './plan-json.js'

function stepLines(step: StepJson, n: number): string[] {
  const head = `  ${String(n).padStart(3)}. [${step.role}] ${step.label}${step.records ? ` (records ${step.records.start}..${step.records.end})` : ''}`
  return [head, ...step.sql.map((sql) => sql.replace(/^/gm, '       ') + ';')]
}

/** The plan as text: per action and batch, every statement in the order it is sent. */
export function formatPlan(plans: readonly PlanJson[]): string {
  const lines: string[] = []
  for (const plan of plans) {
    const range = plan.range ? ` ${plan.range.start}..${plan.range.end} (exclusive)` : ''
    lines.push(`${plan.action} [${plan.kind}]${range}: ${plan.batches.length} batch(es)`)
    for (const [i, batch] of plan.batches.entries()) {
      if (batch.interval)
        lines.push(` batch ${i + 1}/${plan.batches.length}: ${batch.interval.start}..${batch.interval.end} (exclusive)`)
      batch.steps.forEach((step, n) => lines.push(...stepLines(step, n + 1)))
      if (batch.onFailure.length) {
        lines.push('  on failure:')
        batch.onFailure.forEach((step, n) => lines.push(...stepLines(step, n + 1)))
      }
    }
    if (plan.keepStaged?.length) {
      lines.push(' when a batch fails after staging:')
      plan.keepStaged.forEach((step, n) => lines.push(...stepLines(step, n + 1)))
    }
  }
  return `${lines.join('\n')}\n`
}

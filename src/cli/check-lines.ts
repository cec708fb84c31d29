import type { CheckResult } from '../runner/result.js'

/** Lower values are the worse ones when the check wants at least a value ('min 0.55', 'above 3'). */
function lowerIsWorse(check: CheckResult): boolean {
  return /^(min|above)\b/.test(check.threshold)
}

/** The failed partition with the worst observed value. */
export function worstOf(checks: readonly CheckResult[]): CheckResult | undefined {
  const lower = checks[0] ? lowerIsWorse(checks[0]) : false
  let worst: CheckResult | undefined
  for (const c of checks) {
    if (c.observed === null) continue
    if (!worst || worst.observed === null || (lower ? c.observed < worst.observed : c.observed > worst.observed))
      worst = c
  }
  return worst ?? checks[0]
}

/** The part of a check message after 'name failed on D: ', e.g. 'hit rate 0.493 < 0.55 (min 0.55)'. */
function detailOf(check: CheckResult): string {
  const at = check.message.indexOf(': ')
  return at === -1 ? check.message : check.message.slice(at + 2)
}

/** Where to look: the command re-running the check over the dates, and the state table. */
function whereToLook(check: CheckResult, first: string, last: string, runId: string): string {
  // Inline checks are named action.check and run with their action; a standalone assertion is an action itself.
  const action = check.assertion.includes('.') ? check.action : check.assertion
  return `pipeline assert --actions ${action} --from ${first.slice(0, 10)} --to ${last.slice(0, 10)}; pipeline_state.assertion_results run ${runId}`
}

/**
 * One line per failed check: its only failure as it is, or its dates, worst value and where to look
 * (a warn failing on 29 dates prints one line, not 29).
 */
export function groupedCheckLines(checks: readonly CheckResult[], runId: string): string[] {
  const groups = new Map<string, CheckResult[]>()
  for (const c of checks.filter((c) => !c.passed && !c.skipped)) {
    const key = `${c.severity} ${c.assertion}`
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  const errorsFirst = [...groups.values()].sort(
    (a, b) => Number(b[0]?.severity === 'error') - Number(a[0]?.severity === 'error'),
  )
  return errorsFirst.map((group) => {
    const [first] = group
    if (!first) return ''
    const mark = first.severity === 'error' ? 'ERROR' : 'warn '
    if (group.length === 1) return `${mark} ${first.message}`
    const dates = group.map((c) => c.partition ?? '').sort()
    const worst = worstOf(group) ?? first
    const span = `${dates[0]}..${dates.at(-1)}`
    const shown = dates.length <= 5 ? dates.join(', ') : `${dates.slice(0, 3).join(', ')}, … ${dates.at(-1)}`
    return `${mark} ${first.assertion} failed on ${group.length} dates ${span} (${shown}); worst ${detailOf(worst)}${worst.partition ? ` on ${worst.partition}` : ''}; see ${whereToLook(first, dates[0] ?? '', dates.at(-1) ?? '', runId)}`
  })
}

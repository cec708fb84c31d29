/**
 * Publishing the good prefix of a batch whose audit failed part-way (contract relied on by the
 * incident replays, test/incidents/): a batch covers many dates, its checks are judged per date, so
 * when the first failing date is D the dates before D passed every check. They are published and
 * recorded done; the batch then stops at D, leaving the target unchanged from D on, exactly as a
 * batch that started at D would. A failure that is not on a date partition (a whole-batch check)
 * still blocks the whole batch.
 */
import type { DateInterval, IsoDate } from '../core/dates.js'
import type { ParamValue, Statement } from '../engines/adapter.js'
import { INTERVAL_END } from '../engines/dialect.js'
import { blockingFailures } from './evaluate-checks.js'
import type { CheckResult } from './result.js'

const DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * The first date the blocking failures fall on, when publishing the dates before it is possible:
 * every blocking failure is on a date partition inside the batch, and that date is after its start.
 */
export function firstFailingDate(checks: readonly CheckResult[], interval: DateInterval): IsoDate | null {
  const failures = blockingFailures(checks)
  if (failures.length === 0) return null
  let first: IsoDate | null = null
  for (const failure of failures) {
    const partition = failure.partition
    if (partition === null || !DATE.test(partition) || partition < interval.start || partition >= interval.end)
      return null
    if (first === null || partition < first) first = partition
  }
  return first !== null && first > interval.start ? first : null
}

/** The batch's parameters with the interval ending at the first failing date. */
export function paramsBefore(
  params: Readonly<Record<string, ParamValue>>,
  stopAt: IsoDate,
): Readonly<Record<string, ParamValue>> {
  return { ...params, [INTERVAL_END]: stopAt }
}

/** Statements of the publish transaction, bound to the dates before the first failing one. */
export function statementsBefore(statements: readonly Statement[], stopAt: IsoDate): Statement[] {
  return statements.map((s) => (s.params ? { ...s, params: paramsBefore(s.params, stopAt) } : s))
}

/** The error a batch stops with after publishing the dates before `stopAt`. */
export function stoppedMessage(checks: readonly CheckResult[], interval: DateInterval, stopAt: IsoDate): string {
  const failures = blockingFailures(checks)
  const first = failures
    .slice(0, 3)
    .map((f) => f.message)
    .join('; ')
  return `${failures.length} error-severity check(s) failed from ${stopAt}; the dates before it passed and were published (${interval.start}..${stopAt} exclusive), nothing from ${stopAt} to ${interval.end} (exclusive) was: ${first}`
}

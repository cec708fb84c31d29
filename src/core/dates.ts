/** Calendar dates as 'YYYY-MM-DD' strings; intervals are half-open [start, end). */
export type IsoDate = string

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const DAY_MS = 86_400_000

export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false
  const parsed = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

export function daysBetween(start: IsoDate, end: IsoDate): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS)
}

export interface DateInterval {
  readonly start: IsoDate
  readonly end: IsoDate
}

/** Merge overlapping or touching intervals; result sorted by start. */
export function mergeIntervals(intervals: readonly DateInterval[]): DateInterval[] {
  const sorted = [...intervals].filter((i) => i.start < i.end).sort((a, b) => (a.start < b.start ? -1 : 1))
  const merged: DateInterval[] = []
  for (const next of sorted) {
    const last = merged.at(-1)
    if (last && next.start <= last.end) {
      merged[merged.length - 1] = { start: last.start, end: next.end > last.end ? next.end : last.end }
    } else {
      merged.push({ ...next })
    }
  }
  return merged
}

/** The parts of `range` not covered by `done`. */
export function subtractIntervals(range: DateInterval, done: readonly DateInterval[]): DateInterval[] {
  const missing: DateInterval[] = []
  let cursor = range.start
  for (const covered of mergeIntervals(done)) {
    if (covered.end <= cursor || covered.start >= range.end) continue
    if (covered.start > cursor) missing.push({ start: cursor, end: covered.start })
    if (covered.end > cursor) cursor = covered.end
  }
  if (cursor < range.end) missing.push({ start: cursor, end: range.end })
  return missing
}

/** Cut intervals into batches of at most `batchDays` days. */
export function batchIntervals(intervals: readonly DateInterval[], batchDays: number): DateInterval[] {
  const batches: DateInterval[] = []
  for (const interval of intervals) {
    let start = interval.start
    while (start < interval.end) {
      const candidate = addDays(start, batchDays)
      const end = candidate < interval.end ? candidate : interval.end
      batches.push({ start, end })
      start = end
    }
  }
  return batches
}

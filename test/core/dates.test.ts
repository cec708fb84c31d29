/** Calendar dates and half-open date intervals (src/core/dates.ts): the arithmetic every interval plan rests on. */
import { describe, expect, it } from 'vitest'
import {
  addDays,
  batchIntervals,
  daysBetween,
  isIsoDate,
  mergeIntervals,
  subtractIntervals,
} from '../../src/core/dates.js'

const span = (start: string, end: string) => ({ start, end })

describe('isIsoDate', () => {
  it('accepts real calendar dates written YYYY-MM-DD', () => {
    for (const date of ['2024-01-01', '2024-02-29', '2025-12-31', '1999-06-15'])
      expect(isIsoDate(date), date).toBe(true)
  })

  it('refuses dates that do not exist and other spellings', () => {
    for (const date of [
      '2025-02-29', // not a leap year
      '2024-13-01',
      '2024-04-31',
      '2024-00-10',
      '2024-1-5',
      '20240105',
      '2024-01-05T00:00:00Z',
      ' 2024-01-05',
      '',
    ])
      expect(isIsoDate(date), date).toBe(false)
  })
})

describe('addDays and daysBetween', () => {
  it('cross month, year and leap-day boundaries in UTC', () => {
    expect(addDays('2024-01-31', 1)).toBe('2024-02-01')
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29')
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01')
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01')
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31')
    expect(addDays('2024-03-30', 2)).toBe('2024-04-01') // over the European DST change: still whole days
    expect(addDays('2024-10-22', 0)).toBe('2024-10-22')
    expect(addDays('2024-10-22', 365)).toBe('2025-10-22')
  })

  it('counts the days from start to end, negative backwards, and inverts addDays', () => {
    expect(daysBetween('2024-10-22', '2024-10-22')).toBe(0)
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2)
    expect(daysBetween('2025-02-28', '2025-03-01')).toBe(1)
    expect(daysBetween('2025-01-01', '2024-12-25')).toBe(-7)
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366)
    for (const days of [-400, -1, 0, 1, 31, 59, 400])
      expect(daysBetween('2024-02-10', addDays('2024-02-10', days))).toBe(days)
  })
})

describe('mergeIntervals', () => {
  it('merges overlapping and touching intervals, sorted by start, and drops empty ones', () => {
    expect(
      mergeIntervals([
        span('2024-01-10', '2024-01-12'),
        span('2024-01-01', '2024-01-03'),
        span('2024-01-03', '2024-01-05'), // touches the one before: [01, 05)
        span('2024-01-11', '2024-01-20'), // overlaps [10, 12)
        span('2024-01-07', '2024-01-07'), // empty
        span('2024-01-09', '2024-01-08'), // reversed: empty
      ]),
    ).toEqual([span('2024-01-01', '2024-01-05'), span('2024-01-10', '2024-01-20')])
  })

  it('keeps an interval that contains the next one whole, and does not change its input', () => {
    const input = [span('2024-01-01', '2024-01-31'), span('2024-01-05', '2024-01-06'), span('2024-02-02', '2024-02-03')]
    const copy = structuredClone(input)
    expect(mergeIntervals(input)).toEqual([span('2024-01-01', '2024-01-31'), span('2024-02-02', '2024-02-03')])
    expect(input).toEqual(copy)
    expect(mergeIntervals([])).toEqual([])
  })
})

describe('subtractIntervals', () => {
  const range = span('2024-01-01', '2024-01-11')

  it('returns the whole range when nothing is done, and nothing when it is all done', () => {
    expect(subtractIntervals(range, [])).toEqual([range])
    expect(subtractIntervals(range, [span('2023-12-01', '2024-02-01')])).toEqual([])
    expect(subtractIntervals(range, [span('2024-01-01', '2024-01-06'), span('2024-01-06', '2024-01-11')])).toEqual([])
  })

  it('returns the gaps between done intervals, in order, within the range', () => {
    expect(
      subtractIntervals(range, [
        span('2024-01-07', '2024-01-09'),
        span('2024-01-03', '2024-01-04'),
        span('2024-01-03', '2024-01-05'), // overlaps the one before
      ]),
    ).toEqual([span('2024-01-01', '2024-01-03'), span('2024-01-05', '2024-01-07'), span('2024-01-09', '2024-01-11')])
  })

  it('ignores done intervals outside the range and clips those that cross its ends', () => {
    expect(
      subtractIntervals(range, [
        span('2023-12-01', '2023-12-31'),
        span('2023-12-30', '2024-01-02'),
        span('2024-01-10', '2024-01-20'),
        span('2024-01-11', '2024-01-12'), // starts where the range ends (exclusive)
      ]),
    ).toEqual([span('2024-01-02', '2024-01-10')])
  })

  it('returns nothing for an empty range', () => {
    expect(subtractIntervals(span('2024-01-05', '2024-01-05'), [])).toEqual([])
  })
})

describe('batchIntervals', () => {
  it('cuts each interval into batches of at most batchDays, the last one shorter', () => {
    expect(batchIntervals([span('2024-01-01', '2024-01-08')], 3)).toEqual([
      span('2024-01-01', '2024-01-04'),
      span('2024-01-04', '2024-01-07'),
      span('2024-01-07', '2024-01-08'),
    ])
  })

  it('never joins two intervals into one batch, and keeps their order', () => {
    expect(batchIntervals([span('2024-01-01', '2024-01-03'), span('2024-01-05', '2024-01-06')], 31)).toEqual([
      span('2024-01-01', '2024-01-03'),
      span('2024-01-05', '2024-01-06'),
    ])
  })

  it('covers every day exactly once, across a month and a leap day', () => {
    const batches = batchIntervals([span('2024-02-20', '2024-03-10')], 4)
    expect(batches.map((b) => daysBetween(b.start, b.end))).toEqual([4, 4, 4, 4, 3])
    batches.forEach((batch, i) => expect(batch.start).toBe(i === 0 ? '2024-02-20' : batches[i - 1]?.end))
    expect(batches.at(-1)?.end).toBe('2024-03-10')
    expect(batchIntervals([span('2024-01-01', '2024-01-04')], 1)).toHaveLength(3)
    expect(batchIntervals([], 7)).toEqual([])
  })
})

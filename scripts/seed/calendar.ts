/** Calendar helpers for the seed: ISO dates (YYYY-MM-DD) handled as UTC midnights. */

const DAY_MS = 86_400_000

export function parseIsoDate(value: string): Date {
  return new Date(`${value}T00:00:00Z`)
}

export function formatIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function addDays(value: string, days: number): string {
  return formatIsoDate(new Date(parseIsoDate(value).getTime() + days * DAY_MS))
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parseIsoDate(to).getTime() - parseIsoDate(from).getTime()) / DAY_MS)
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(value: string): number {
  return parseIsoDate(value).getUTCDay()
}

/** DOMAIN §1.1: the starting year of the season (`year if month >= 10 else year - 1`). */
export function seasonYearOf(value: string): number {
  const date = parseIsoDate(value)
  return date.getUTCMonth() + 1 >= 10 ? date.getUTCFullYear() : date.getUTCFullYear() - 1
}

/** The first date on or after `from` that falls on `day` (0 = Sunday). */
function nextWeekday(from: string, day: number): string {
  return addDays(from, (day - weekday(from) + 7) % 7)
}

export interface SeasonCalendar {
  /** Starting year of the season. */
  readonly seasonYear: number
  /** Opening night: the Tuesday between Oct 20 and Oct 26 (2024-10-22, 2025-10-21). */
  readonly opener: string
  /** Last regular-season date: the Sunday between Apr 9 and Apr 15. */
  readonly regularEnd: string
  /** First playoff date: the Saturday after the regular season ends. */
  readonly playoffStart: string
  /** Dates without games: Thanksgiving, Christmas Eve and the All-Star break. */
  readonly offDays: ReadonlySet<string>
}

export function seasonCalendar(seasonYear: number): SeasonCalendar {
  const next = seasonYear + 1
  const opener = nextWeekday(`${seasonYear}-10-20`, 2)
  const regularEnd = nextWeekday(`${next}-04-09`, 0)
  const thanksgiving = addDays(nextWeekday(`${seasonYear}-11-01`, 4), 21)
  const allStarSunday = addDays(nextWeekday(`${next}-02-01`, 0), 14)
  const offDays = new Set([thanksgiving, `${seasonYear}-12-24`])
  for (let offset = -2; offset <= 2; offset += 1) offDays.add(addDays(allStarSunday, offset))
  return { seasonYear, opener, regularEnd, playoffStart: addDays(regularEnd, 6), offDays }
}

/** US Eastern offset from UTC in hours: 4 from the 2nd Sunday of March to the 1st Sunday of November. */
export function easternOffsetHours(value: string): number {
  const year = parseIsoDate(value).getUTCFullYear()
  const dstStart = addDays(nextWeekday(`${year}-03-01`, 0), 7)
  const dstEnd = nextWeekday(`${year}-11-01`, 0)
  return value >= dstStart && value < dstEnd ? 4 : 5
}

/** UTC timestamp text (`YYYY-MM-DD HH:MM:SS`) of an Eastern wall-clock time on `value`. */
export function easternToUtc(value: string, hour: number, minute: number): string {
  const base = parseIsoDate(value).getTime()
  const utc = new Date(base + ((hour + easternOffsetHours(value)) * 60 + minute) * 60_000)
  return utc.toISOString().slice(0, 19).replace('T', ' ')
}

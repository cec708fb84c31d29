/**
 * Season schedule built in JS (≈ 1,300 games per season, small enough to insert as one VALUES list).
 * Regular season: every pair of teams meets twice (home and away) plus a 24-regular circulant set of
 * third meetings, so each team plays exactly 82 games; games are assigned to dates greedily, by how far
 * behind its pace each team is, with back-to-backs allowed but penalised and no three games in three days.
 */
import { addDays, easternToUtc, seasonCalendar, weekday } from './calendar.js'
import type { SeasonCalendar } from './calendar.js'
import { TEAMS } from './names.js'
import { createRandom, shuffle } from './prng.js'
import type { Random } from './prng.js'
import { buildPlayoffs } from './playoffs.js'

export type SeasonPhase = 'regular_season' | 'playoffs'

export interface ScheduledGame {
  /** `YYYYMMDD_AWAY_HOME`. */
  readonly gameId: string
  /** US Eastern game date, `YYYY-MM-DD`. */
  readonly gameDate: string
  /** Home tricode. */
  readonly homeTeam: string
  /** Away tricode. */
  readonly awayTeam: string
  /** Starting year of the season. */
  readonly seasonYear: number
  /** `regular_season` or `playoffs`. */
  readonly seasonPhase: SeasonPhase
  /** Tip-off in UTC, `YYYY-MM-DD HH:MM:SS`. */
  readonly tipUtc: string
}

interface Matchup {
  readonly home: string
  readonly away: string
}

/** Relative share of a day's games by weekday (Sunday first), as in a real NBA week. */
const WEEKDAY_WEIGHT = [0.95, 0.8, 0.95, 1.25, 0.75, 1.2, 1.1]
const BACK_TO_BACK_PENALTY = 0.05

function buildMatchups(random: Random): Matchup[] {
  const order = shuffle(TEAMS.map((team) => team.tricode), random)
  const games: Matchup[] = []
  for (let a = 0; a < order.length; a += 1) {
    for (let b = a + 1; b < order.length; b += 1) {
      games.push({ home: order[a] as string, away: order[b] as string })
      games.push({ home: order[b] as string, away: order[a] as string })
    }
  }
  for (let a = 0; a < order.length; a += 1) {
    for (let step = 1; step <= 12; step += 1) {
      const b = (a + step) % order.length
      const flip = random() < 0.5
      games.push({ home: order[flip ? a : b] as string, away: order[flip ? b : a] as string })
    }
  }
  return shuffle(games, random)
}

function regularDates(calendar: SeasonCalendar): string[] {
  const dates: string[] = []
  for (let date = calendar.opener; date <= calendar.regularEnd; date = addDays(date, 1)) {
    if (!calendar.offDays.has(date)) dates.push(date)
  }
  return dates
}

interface DayState {
  readonly remaining: Map<string, number>
  readonly lastPlayed: Map<string, string>
  readonly previousPlayed: Map<string, string>
}

function dailyTarget(date: string, index: number, pool: number, datesLeft: number, random: Random): number {
  if (index === 0) return 2
  if (index === 1) return 11
  const weight = WEEKDAY_WEIGHT[weekday(date)] ?? 1
  const target = Math.round((pool / datesLeft) * weight * (0.7 + random() * 0.6))
  return Math.max(2, Math.min(15, target))
}

function pickGames(pool: Matchup[], date: string, target: number, datesLeft: number, state: DayState, random: Random): Matchup[] {
  const yesterday = addDays(date, -1)
  const twoDaysAgo = addDays(date, -2)
  const busy = new Set<string>()
  const urgency = (team: string): number => {
    const playedYesterday = state.lastPlayed.get(team) === yesterday
    if (playedYesterday && state.previousPlayed.get(team) === twoDaysAgo) return Number.NEGATIVE_INFINITY
    return (state.remaining.get(team) ?? 0) / datesLeft - (playedYesterday ? BACK_TO_BACK_PENALTY : 0)
  }
  const picked: Matchup[] = []
  const scored = pool.map((game) => ({ game, score: urgency(game.home) + urgency(game.away) + random() * 0.5 }))
  scored.sort((x, y) => y.score - x.score)
  for (const { game, score } of scored) {
    if (picked.length >= target || score === Number.NEGATIVE_INFINITY) break
    if (busy.has(game.home) || busy.has(game.away)) continue
    busy.add(game.home)
    busy.add(game.away)
    picked.push(game)
  }
  return picked
}

function recordDay(date: string, games: Matchup[], pool: Matchup[], state: DayState): void {
  for (const game of games) {
    pool.splice(pool.indexOf(game), 1)
    for (const team of [game.home, game.away]) {
      const last = state.lastPlayed.get(team)
      if (last !== undefined) state.previousPlayed.set(team, last)
      state.lastPlayed.set(team, date)
      state.remaining.set(team, (state.remaining.get(team) ?? 0) - 1)
    }
  }
}

function tipTime(date: string, homeTeam: string, slot: number, random: Random): string {
  const western = TEAMS.find((team) => team.tricode === homeTeam)?.conference === 'west'
  const weekend = weekday(date) === 0 || weekday(date) === 6
  const hours = weekend && slot < 2 ? [15, 18] : western ? [21, 22] : [19, 19, 20]
  const hour = hours[Math.floor(random() * hours.length)] ?? 19
  return easternToUtc(date, hour, random() < 0.5 ? 0 : 30)
}

export function toScheduledGame(date: string, game: Matchup, seasonYear: number, seasonPhase: SeasonPhase, tipUtc: string): ScheduledGame {
  const gameId = `${date.replaceAll('-', '')}_${game.away}_${game.home}`
  return { gameId, gameDate: date, homeTeam: game.home, awayTeam: game.away, seasonYear, seasonPhase, tipUtc }
}

function buildRegularSeason(seed: number, calendar: SeasonCalendar): ScheduledGame[] {
  const random = createRandom(`${seed}:${calendar.seasonYear}:regular`)
  const pool = buildMatchups(random)
  const state: DayState = { remaining: new Map(TEAMS.map((team) => [team.tricode, 82])), lastPlayed: new Map(), previousPlayed: new Map() }
  const games: ScheduledGame[] = []
  const dates = regularDates(calendar)
  for (let index = 0; pool.length > 0; index += 1) {
    // Past the planned last date, extra days absorb any leftover games (rare).
    const date = dates[index] ?? addDays(calendar.regularEnd, index - dates.length + 1)
    const datesLeft = Math.max(1, dates.length - index)
    const target = index >= dates.length ? 15 : dailyTarget(date, index, pool.length, datesLeft, random)
    const picked = pickGames(pool, date, target, datesLeft, state, random)
    recordDay(date, picked, pool, state)
    picked.forEach((game, slot) => {
      games.push(toScheduledGame(date, game, calendar.seasonYear, 'regular_season', tipTime(date, game.home, slot, random)))
    })
  }
  return games
}

/** All games of one season (regular season and playoffs); depends only on the seed and the season. */
export function buildSeasonSchedule(seed: number, seasonYear: number, strength: ReadonlyMap<string, number>): ScheduledGame[] {
  const calendar = seasonCalendar(seasonYear)
  const regular = buildRegularSeason(seed, calendar)
  const lastRegular = regular.reduce((last, game) => (game.gameDate > last ? game.gameDate : last), calendar.regularEnd)
  const start = lastRegular >= calendar.playoffStart ? addDays(lastRegular, 3) : calendar.playoffStart
  const random = createRandom(`${seed}:${seasonYear}:playoffs`)
  const playoffs = buildPlayoffs({ seasonYear, start, strength, random }).map((game) =>
    toScheduledGame(game.date, game, seasonYear, 'playoffs', tipTime(game.date, game.home, 2, random)),
  )
  return [...regular, ...playoffs]
}

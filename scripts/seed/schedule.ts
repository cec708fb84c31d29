/**
 * Season schedule built in JS (≈ 1,300 games per season, small enough to insert as one VALUES list).
 * Regular season: every pair of teams meets twice (home and away) plus a 24-regular circulant set of
 * third meetings, so each team plays exactly 82 games. Games are assigned to dates greedily, by how far
 * behind its pace each team is, under the NBA's rules (no three games in three days, at most four in seven).
 * Back-to-backs are steered day by day: each date tries a range of back-to-back penalties and keeps the picks
 * closest to the target share plus the recent shortfall, so they spread evenly over the season (≈ 17-18% of
 * team-games, every two-week stretch ≈ 10-28%) and over the teams (≈ 12-18 each).
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
/**
 * Share of team-games on the second night of a back-to-back the daily picks aim for; heavy nights after
 * busy ones force a few more, so the season ends near 17-18% (NBA 2023-25: ≈ 15 per team, 18%).
 */
const BACK_TO_BACK_SHARE = 0.15
/** NBA scheduling rule: no team plays more than 4 games in any 7 consecutive days. */
export const MAX_GAMES_IN_7_DAYS = 4
/** Back-to-back penalties tried each day; the one whose picks come closest to the back-to-back target wins. */
const BACK_TO_BACK_PENALTIES = [-0.2, -0.05, 0, 0.02, 0.05, 0.1, 0.2, 0.5, 2]
/**
 * Dates kept in hand at the end of the regular season: the pace aims to finish this many dates early, so the
 * games the pairing constraints held back still fit before the planned last date.
 */
const FINISH_BUFFER = 2
/** Daily decay of the back-to-back debt: a shortfall or excess is made up within about a week, not months later. */
const BACK_TO_BACK_MEMORY = 0.8
/** Extra penalty per back-to-back a team is ahead of its share, so they spread evenly over the teams too. */
const TEAM_EXCESS_PENALTY = 0.03

function buildMatchups(random: Random): Matchup[] {
  const order = shuffle(
    TEAMS.map((team) => team.tricode),
    random,
  )
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

interface TeamState {
  /** Games still to schedule. */
  remaining: number
  /** Games scheduled so far. */
  played: number
  /** Of those, second nights of a back-to-back. */
  backToBacks: number
  /** The last MAX_GAMES_IN_7_DAYS game dates, oldest first. */
  readonly recent: string[]
}

interface DayState {
  readonly teams: ReadonlyMap<string, TeamState>
  /** Back-to-backs the recent days fell short of the league-wide share (negative: too many), decaying daily. */
  backToBackDebt: number
}

interface TargetInput {
  readonly date: string
  /** Position of the date in the season (0 = opening night). */
  readonly index: number
  /** Games not scheduled yet. */
  readonly pool: number
  /** Planned dates left, this one included. */
  readonly datesLeft: number
}

/** Games to schedule on a date: the remaining pace (finishing FINISH_BUFFER dates early) × the weekday's weight × noise. */
function dailyTarget(input: TargetInput, random: Random): number {
  if (input.index === 0) return 2
  if (input.index === 1) return 11
  if (input.datesLeft === 1) return Math.min(15, input.pool)
  const weight = WEEKDAY_WEIGHT[weekday(input.date)] ?? 1
  const target = Math.round(
    (input.pool / Math.max(1, input.datesLeft - FINISH_BUFFER)) * weight * (0.7 + random() * 0.6),
  )
  return Math.max(2, Math.min(15, target))
}

/** One team's situation on a date: whether the rules let it play, and how much it wants to. */
interface TeamDay {
  /** No 3 games in 3 days and at most 4 in 7 with this game. */
  readonly canPlay: boolean
  /** It played yesterday. */
  readonly isBackToBack: boolean
  /** Games still to play per remaining planned date (teams behind their pace go first). */
  readonly pace: number
  /** Back-to-backs so far above its share of its games (negative: below). */
  readonly backToBackExcess: number
}

function teamDays(date: string, datesLeft: number, state: DayState): Map<string, TeamDay> {
  const yesterday = addDays(date, -1)
  const twoDaysAgo = addDays(date, -2)
  const sixDaysAgo = addDays(date, -6)
  const days = new Map<string, TeamDay>()
  for (const [tricode, team] of state.teams) {
    const inLast6 = team.recent.filter((played) => played >= sixDaysAgo).length
    const inLast2 = team.recent.filter((played) => played >= twoDaysAgo).length
    days.set(tricode, {
      canPlay: inLast6 < MAX_GAMES_IN_7_DAYS && inLast2 < 2,
      isBackToBack: team.recent.at(-1) === yesterday,
      pace: team.remaining / Math.max(1, datesLeft - FINISH_BUFFER),
      backToBackExcess: team.backToBacks - BACK_TO_BACK_SHARE * team.played,
    })
  }
  return days
}

interface DayCandidates {
  readonly target: number
  readonly teams: ReadonlyMap<string, TeamDay>
  /** Pool games both of whose teams may play today, with a fixed random tie-break per game. */
  readonly games: readonly { readonly game: Matchup; readonly noise: number }[]
}

/** Indices of `scores`, highest first, equal scores in index order; lazily, from a binary heap. */
function* byScore(scores: Float64Array): Generator<number> {
  const before = (a: number, b: number) =>
    (scores[a] as number) > (scores[b] as number) || (scores[a] === scores[b] && a < b)
  const heap = Array.from(scores.keys())
  const siftDown = (start: number, size: number) => {
    let parent = start
    for (;;) {
      const left = 2 * parent + 1
      if (left >= size) return
      const right = left + 1
      const child = right < size && before(heap[right] as number, heap[left] as number) ? right : left
      if (!before(heap[child] as number, heap[parent] as number)) return
      ;[heap[parent], heap[child]] = [heap[child] as number, heap[parent] as number]
      parent = child
    }
  }
  for (let i = (heap.length >> 1) - 1; i >= 0; i -= 1) siftDown(i, heap.length)
  for (let size = heap.length; size > 0; size -= 1) {
    const top = heap[0] as number
    heap[0] = heap[size - 1] as number
    siftDown(0, size - 1)
    yield top
  }
}

/** Greedy picks for one back-to-back penalty: the teams furthest behind their pace first. */
function pickWithPenalty(day: DayCandidates, penalty: number): { games: Matchup[]; backToBacks: number } {
  const urgency = new Map(
    [...day.teams].map(([tricode, team]) => [
      tricode,
      team.isBackToBack ? team.pace - penalty - TEAM_EXCESS_PENALTY * team.backToBackExcess : team.pace,
    ]),
  )
  const scores = new Float64Array(day.games.length)
  day.games.forEach(({ game, noise }, i) => {
    scores[i] = (urgency.get(game.home) ?? 0) + (urgency.get(game.away) ?? 0) + noise
  })
  const busy = new Set<string>()
  const games: Matchup[] = []
  let backToBacks = 0
  // Highest score first, ties in pool order (the order a stable sort of the games gives), taken lazily
  // from a heap: the day needs at most 15 games, and sorting every candidate 9 times a day was most of
  // the seed's schedule time.
  for (const index of byScore(scores)) {
    const { game } = day.games[index] as DayCandidates['games'][number]
    if (games.length >= day.target) break
    if (busy.has(game.home) || busy.has(game.away)) continue
    busy.add(game.home)
    busy.add(game.away)
    games.push(game)
    for (const team of [game.home, game.away]) if (day.teams.get(team)?.isBackToBack === true) backToBacks += 1
  }
  return { games, backToBacks }
}

/**
 * Picks the day's games: as many as the target allows, with the number of back-to-backs closest to the
 * league-wide share plus the recent shortfall, so back-to-backs spread evenly over the season.
 */
function pickGames(
  pool: readonly Matchup[],
  date: string,
  target: number,
  datesLeft: number,
  state: DayState,
  random: Random,
): Matchup[] {
  const teams = teamDays(date, datesLeft, state)
  const noise = pool.map(() => random() * 0.5)
  const games = pool.flatMap((game, index) =>
    teams.get(game.home)?.canPlay === true && teams.get(game.away)?.canPlay === true
      ? [{ game, noise: noise[index] as number }]
      : [],
  )
  const day: DayCandidates = { target, teams, games }
  let best: { games: Matchup[]; cost: number } | undefined
  for (const penalty of BACK_TO_BACK_PENALTIES) {
    const picked = pickWithPenalty(day, penalty)
    const wanted = BACK_TO_BACK_SHARE * 2 * picked.games.length + state.backToBackDebt
    const cost = 10 * (target - picked.games.length) + Math.abs(picked.backToBacks - wanted)
    if (best === undefined || cost < best.cost) best = { games: picked.games, cost }
  }
  return best?.games ?? []
}

function recordDay(date: string, games: readonly Matchup[], pool: Matchup[], state: DayState): void {
  state.backToBackDebt = BACK_TO_BACK_MEMORY * state.backToBackDebt + BACK_TO_BACK_SHARE * 2 * games.length
  for (const game of games) {
    pool.splice(pool.indexOf(game), 1)
    for (const tricode of [game.home, game.away]) {
      const team = state.teams.get(tricode) as TeamState
      if (team.recent.at(-1) === addDays(date, -1)) {
        team.backToBacks += 1
        state.backToBackDebt -= 1
      }
      team.recent.push(date)
      if (team.recent.length > MAX_GAMES_IN_7_DAYS) team.recent.shift()
      team.remaining -= 1
      team.played += 1
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

export function toScheduledGame(
  date: string,
  game: Matchup,
  seasonYear: number,
  seasonPhase: SeasonPhase,
  tipUtc: string,
): ScheduledGame {
  const gameId = `${date.replaceAll('-', '')}_${game.away}_${game.home}`
  return { gameId, gameDate: date, homeTeam: game.home, awayTeam: game.away, seasonYear, seasonPhase, tipUtc }
}

function buildRegularSeason(seed: number, calendar: SeasonCalendar): ScheduledGame[] {
  const random = createRandom(`${seed}:${calendar.seasonYear}:regular`)
  const pool = buildMatchups(random)
  const teams = new Map(
    TEAMS.map((team) => [team.tricode, { remaining: 82, played: 0, backToBacks: 0, recent: [] as string[] }]),
  )
  const state: DayState = { teams, backToBackDebt: 0 }
  const games: ScheduledGame[] = []
  const dates = regularDates(calendar)
  for (let index = 0; pool.length > 0; index += 1) {
    // Past the planned last date, extra days absorb any leftover games (rare).
    const date = dates[index] ?? addDays(calendar.regularEnd, index - dates.length + 1)
    const datesLeft = Math.max(1, dates.length - index)
    const target = index >= dates.length ? 15 : dailyTarget({ date, index, pool: pool.length, datesLeft }, random)
    const picked = pickGames(pool, date, target, datesLeft, state, random)
    recordDay(date, picked, pool, state)
    picked.forEach((game, slot) => {
      games.push(
        toScheduledGame(date, game, calendar.seasonYear, 'regular_season', tipTime(date, game.home, slot, random)),
      )
    })
  }
  return games
}

/** All games of one season (regular season and playoffs); depends only on the seed and the season. */
export function buildSeasonSchedule(
  seed: number,
  seasonYear: number,
  strength: ReadonlyMap<string, number>,
): ScheduledGame[] {
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

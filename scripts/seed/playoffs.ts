/**
 * Playoff bracket: the 8 strongest teams per conference (strength + noise), best-of-7 series in four
 * rounds, 2-2-1-1-1 home court for the higher seed, a game every other day per series. Series winners are
 * drawn from team strength here; box scores are generated later, so a series' game results need not
 * reproduce its winner (nothing downstream reads series outcomes).
 */
import { addDays } from './calendar.js'
import { TEAMS } from './names.js'
import type { Random } from './prng.js'

export interface PlayoffGame {
  /** Game date, `YYYY-MM-DD`. */
  readonly date: string
  /** Home tricode. */
  readonly home: string
  /** Away tricode. */
  readonly away: string
}

export interface PlayoffInput {
  /** Starting year of the season. */
  readonly seasonYear: number
  /** First playoff date. */
  readonly start: string
  /** Team strength (any scale; higher is better). */
  readonly strength: ReadonlyMap<string, number>
  /** Seeded PRNG for seeding noise and series results. */
  readonly random: Random
}

interface Seeded {
  readonly team: string
  readonly rank: number
}

const HIGH_SEED_HOME = [true, true, false, false, true, false, true]

function seedConference(conference: 'east' | 'west', input: PlayoffInput): Seeded[] {
  const scored = TEAMS.filter((team) => team.conference === conference).map((team) => ({
    team: team.tricode,
    score: (input.strength.get(team.tricode) ?? 0) + input.random() * 0.6,
  }))
  scored.sort((a, b) => b.score - a.score || a.team.localeCompare(b.team))
  return scored.slice(0, 8).map((entry, index) => ({ team: entry.team, rank: index + 1 }))
}

function winProbability(home: string, away: string, strength: ReadonlyMap<string, number>): number {
  const diff = (strength.get(home) ?? 0) - (strength.get(away) ?? 0)
  return 1 / (1 + Math.exp(-(1.1 * diff + 0.25)))
}

function playSeries(
  high: Seeded,
  low: Seeded,
  firstDate: string,
  input: PlayoffInput,
  games: PlayoffGame[],
): { winner: Seeded; lastDate: string } {
  let highWins = 0
  let lowWins = 0
  let lastDate = firstDate
  for (let game = 0; highWins < 4 && lowWins < 4; game += 1) {
    const highHome = HIGH_SEED_HOME[game] ?? true
    const home = highHome ? high : low
    const away = highHome ? low : high
    lastDate = addDays(firstDate, game * 2)
    games.push({ date: lastDate, home: home.team, away: away.team })
    const homeWins = input.random() < winProbability(home.team, away.team, input.strength)
    if (homeWins === highHome) highWins += 1
    else lowWins += 1
  }
  return { winner: highWins === 4 ? high : low, lastDate }
}

function playRound(
  pairs: [Seeded, Seeded][],
  start: string,
  input: PlayoffInput,
  games: PlayoffGame[],
): { winners: Seeded[]; end: string } {
  let end = start
  const winners = pairs.map(([a, b], index) => {
    const [high, low] = a.rank <= b.rank ? [a, b] : [b, a]
    const result = playSeries(high, low, addDays(start, index % 2), input, games)
    if (result.lastDate > end) end = result.lastDate
    return result.winner
  })
  return { winners, end }
}

function pairUp(teams: Seeded[]): [Seeded, Seeded][] {
  const pairs: [Seeded, Seeded][] = []
  for (let index = 0; index + 1 < teams.length; index += 2)
    pairs.push([teams[index] as Seeded, teams[index + 1] as Seeded])
  return pairs
}

/** The playoff games of one season, in bracket order 1-8, 4-5, 3-6, 2-7 per conference. */
export function buildPlayoffs(input: PlayoffInput): PlayoffGame[] {
  const games: PlayoffGame[] = []
  const bracketOrder = [1, 8, 4, 5, 3, 6, 2, 7]
  const field = (['east', 'west'] as const).flatMap((conference) => {
    const seeded = seedConference(conference, input)
    return bracketOrder.map((rank) => seeded[rank - 1] as Seeded)
  })
  let round = playRound(pairUp(field), input.start, input, games)
  while (round.winners.length > 1) {
    round = playRound(pairUp(round.winners), addDays(round.end, 2), input, games)
  }
  return games.sort((a, b) => a.date.localeCompare(b.date) || a.home.localeCompare(b.home))
}

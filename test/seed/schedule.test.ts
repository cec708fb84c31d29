import { describe, expect, it } from 'vitest'
import { addDays, daysBetween, seasonCalendar } from '../../scripts/seed/calendar.js'
import { MAX_GAMES_IN_7_DAYS, buildSeasonSchedule } from '../../scripts/seed/schedule.js'
import type { ScheduledGame } from '../../scripts/seed/schedule.js'
import { expectBetween } from './support.js'

// The schedule alone (no database): a few seeds × two seasons, so the rules hold beyond the default sample.
const CASES = [42, 7, 2024].flatMap((seed) => [2024, 2025].map((season) => ({ seed, season })))
/** A-05a's window: 14 regular-season game days, after the 14-day early-season bootstrap. */
const WINDOW_GAME_DAYS = 14
const STRENGTH = new Map<string, number>()

/** Game dates per team, sorted. */
function teamDates(games: readonly ScheduledGame[]): Map<string, string[]> {
  const dates = new Map<string, string[]>()
  for (const game of games) {
    for (const team of [game.homeTeam, game.awayTeam]) dates.set(team, [...(dates.get(team) ?? []), game.gameDate])
  }
  for (const list of dates.values()) list.sort()
  return dates
}

/** Most games a team plays in any `days` consecutive days. */
function mostGamesIn(dates: readonly string[], days: number): number {
  let most = 0
  for (let last = 0; last < dates.length; last += 1) {
    let first = last
    while (first > 0 && daysBetween(dates[first - 1] as string, dates[last] as string) < days) first -= 1
    most = Math.max(most, last - first + 1)
  }
  return most
}

/** Per regular-season date: team-games and team-games on the second night of a back-to-back. */
function backToBacksByDate(games: readonly ScheduledGame[]): Map<string, { teamGames: number; backToBacks: number }> {
  const byDate = new Map<string, { teamGames: number; backToBacks: number }>()
  for (const dates of teamDates(games).values()) {
    dates.forEach((date, index) => {
      const day = byDate.get(date) ?? { teamGames: 0, backToBacks: 0 }
      day.teamGames += 1
      if (index > 0 && daysBetween(dates[index - 1] as string, date) === 1) day.backToBacks += 1
      byDate.set(date, day)
    })
  }
  return byDate
}

describe.each(CASES)('buildSeasonSchedule (seed $seed, season $season)', ({ seed, season }) => {
  const games = buildSeasonSchedule(seed, season, STRENGTH)
  const regular = games.filter((game) => game.seasonPhase === 'regular_season')
  const calendar = seasonCalendar(season)

  it('plays 82 regular-season games per team, at most one a day, inside the planned calendar', () => {
    const perTeam = teamDates(regular)
    expect(perTeam.size).toBe(30)
    for (const [team, dates] of perTeam) {
      expect(dates, team).toHaveLength(82)
      expect(new Set(dates).size, team).toBe(82)
    }
    const last = regular.reduce((latest, game) => (game.gameDate > latest ? game.gameDate : latest), '')
    expect(last <= calendar.regularEnd).toBe(true)
    expect(regular.some((game) => calendar.offDays.has(game.gameDate))).toBe(false)
  })

  it('keeps every team to at most 4 games in 7 days and 2 in 3, regular season and playoffs alike', () => {
    for (const [team, dates] of teamDates(games)) {
      expect(new Set(dates).size, `${team} plays twice on a date`).toBe(dates.length)
      expect(mostGamesIn(dates, 7), `${team} games in 7 days`).toBeLessThanOrEqual(MAX_GAMES_IN_7_DAYS)
      expect(mostGamesIn(dates, 3), `${team} games in 3 days`).toBeLessThanOrEqual(2)
    }
  })

  it('puts 15-20% of team-games on back-to-backs, every 14 game days 8-30%, 10-20 per team', () => {
    const byDate = [...backToBacksByDate(regular)].sort(([a], [b]) => a.localeCompare(b))
    const days = byDate.map(([, day]) => day)
    const share = (window: typeof days) =>
      window.reduce((sum, day) => sum + day.backToBacks, 0) / window.reduce((sum, day) => sum + day.teamGames, 0)
    expectBetween(share(days), 0.15, 0.2, `back-to-back share ${seed}/${season}`)
    const judged = byDate.filter(([date]) => date >= addDays(calendar.opener, 14)).map(([, day]) => day)
    const shares = judged
      .slice(WINDOW_GAME_DAYS - 1)
      .map((_, index) => share(judged.slice(index, index + WINDOW_GAME_DAYS)))
    expectBetween(Math.min(...shares), 0.08, 0.3, `lowest 14-game-day back-to-back share ${seed}/${season}`)
    expectBetween(Math.max(...shares), 0.08, 0.3, `highest 14-game-day back-to-back share ${seed}/${season}`)
    for (const [team, dates] of teamDates(regular)) {
      const backToBacks = dates.filter(
        (date, index) => index > 0 && daysBetween(dates[index - 1] as string, date) === 1,
      ).length
      expect(backToBacks, `${team} back-to-backs`).toBeGreaterThanOrEqual(10)
      expect(backToBacks, `${team} back-to-backs`).toBeLessThanOrEqual(20)
    }
  })
})

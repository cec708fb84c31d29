/**
 * An independent TypeScript computation of DOMAIN §3.1 over a FeatureFixture: plain loops over
 * the rows, written from the catalog's wording, not from the SQL. The feature tests compare the
 * pipeline's tables with these values.
 */
import { addDays, SEASON_START } from '../fixtures/features/hand-made.js'
import type { BoxRow, ContextRow, FeatureFixture, ScheduleRow, TeamGameRow } from '../fixtures/features/hand-made.js'

export type Mode = 'daily' | 'backfill'
type Num = number | null

export const mean = (xs: readonly number[]): Num => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)
export const clamp = (x: Num, lo: number, hi: number): Num => (x === null ? null : Math.min(Math.max(x, lo), hi))
/** SQL ROUND(x, 1): half away from zero. */
export const round1 = (x: Num): Num => (x === null ? null : (Math.sign(x) * Math.round(Math.abs(x) * 10)) / 10)
function stddevSamp(xs: readonly number[]): Num {
  if (xs.length < 2) return null
  const m = mean(xs) as number
  return Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / (xs.length - 1))
}
const seasonOf = (date: string) =>
  Number(date.slice(5, 7)) >= 10 ? Number(date.slice(0, 4)) : Number(date.slice(0, 4)) - 1
const daysBetween = (later: string, earlier: string) =>
  Math.round((Date.parse(later) - Date.parse(earlier)) / 86_400_000)
const yearsBefore = (date: string, years: number) => `${Number(date.slice(0, 4)) - years}${date.slice(4)}`

export interface RosterEntry {
  readonly player: string
  readonly date: string
  readonly gameId: string
  readonly team: string
  readonly opponent: string
  readonly context: ContextRow | undefined
}

function latestContext(f: FeatureFixture, player: string, date: string): ContextRow | undefined {
  return f.context
    .filter((c) => c.player_lookup === player && c.game_date === date)
    .sort((a, b) => b.created_at.localeCompare(a.created_at))[0]
}

/** DOMAIN §4.1: daily = the context's players; backfill = the box scores' players (context when the date has none). */
export function roster(f: FeatureFixture, date: string, mode: Mode): RosterEntry[] {
  const box = f.box.filter((b) => b.game_date === date)
  const fromBox = mode === 'backfill' && box.length > 0
  const players = fromBox
    ? [...new Set(box.map((b) => b.player_lookup))]
    : [...new Set(f.context.filter((c) => c.game_date === date).map((c) => c.player_lookup))]
  return players.sort().map((player) => {
    const context = latestContext(f, player, date)
    const source = fromBox ? (box.find((b) => b.player_lookup === player) as BoxRow) : (context as ContextRow)
    return {
      player,
      date,
      gameId: source.game_id,
      team: source.team_abbr,
      opponent: source.opponent_team_abbr,
      context,
    }
  })
}

/** Played games (points NOT NULL) strictly before `date`, most recent first. */
export function playedBefore(f: FeatureFixture, player: string, date: string): BoxRow[] {
  return f.box
    .filter((b) => b.player_lookup === player && b.points !== null && b.game_date < date)
    .sort((a, b) => b.game_date.localeCompare(a.game_date))
}

function teamGamesBefore(f: FeatureFixture, team: string, date: string): TeamGameRow[] {
  return f.teamGames
    .filter((t) => t.team_abbr === team && t.game_date < date)
    .sort((a, b) => b.game_date.localeCompare(a.game_date))
}

export function teamStats(f: FeatureFixture, team: string, date: string) {
  const games = teamGamesBefore(f, team, date)
  const last = (n: number) => games.slice(0, n)
  const opponentRating = (g: TeamGameRow) =>
    f.teamGames.find((o) => o.game_id === g.game_id && o.team_abbr === g.opponent_team_abbr)?.offensive_rating
  const season = games.filter((g) => seasonOf(g.game_date) === seasonOf(date))
  return {
    paceLast10: mean(last(10).map((g) => g.pace)),
    offRatingLast10: mean(last(10).map((g) => g.offensive_rating)),
    defRatingLast15: mean(
      last(15)
        .map(opponentRating)
        .filter((x): x is number => x !== undefined),
    ),
    paceLast15: mean(last(15).map((g) => g.pace)),
    winPct: season.length >= 5 ? season.filter((g) => g.win_flag).length / season.length : null,
    allowed: (zone: 'paint_attempts' | 'mid_range_attempts' | 'three_pt_attempts'): Num => {
      let zoneTotal = 0
      let fgaTotal = 0
      let found = false
      for (const g of last(15)) {
        const shots = f.box.filter(
          (b) =>
            b.game_id === g.game_id &&
            b.team_abbr === g.opponent_team_abbr &&
            b.points !== null &&
            b.fg_attempts !== null,
        )
        if (shots.length === 0) continue
        found = true
        zoneTotal += sum(shots.map((b) => b[zone] ?? 0))
        fgaTotal += sum(shots.map((b) => b.fg_attempts ?? 0))
      }
      return found && fgaTotal > 0 ? (100 * zoneTotal) / fgaTotal : null
    },
  }
}

const ZONE_COLUMNS = {
  paint: 'paint_attempts',
  mid_range: 'mid_range_attempts',
  three_pt: 'three_pt_attempts',
} as const
type Zone = keyof typeof ZONE_COLUMNS

/** A zone's allowed share for a team minus the league average (all teams seen before the batch end). */
export function zoneVsLeague(f: FeatureFixture, team: string, date: string, zone: Zone): Num {
  const own = teamStats(f, team, date).allowed(ZONE_COLUMNS[zone])
  const teams = [...new Set(f.teamGames.map((t) => t.team_abbr))]
  const league = mean(
    teams.map((t) => teamStats(f, t, date).allowed(ZONE_COLUMNS[zone])).filter((x): x is number => x !== null),
  )
  return own === null || league === null ? null : own - league
}

/** Shot-zone rates (percent) over the last 10 played games, from games with play-by-play; NULL when fewer than half have it. */
export function zoneRates(f: FeatureFixture, player: string, date: string): Record<Zone, Num> {
  const last10 = playedBefore(f, player, date).slice(0, 10)
  const withZones = last10.filter((b) => b.fg_attempts !== null)
  const fga = sum(withZones.map((b) => b.fg_attempts as number))
  const ok = withZones.length >= 1 && 2 * withZones.length >= last10.length && fga > 0
  const rate = (zone: Zone) => (ok ? (100 * sum(withZones.map((b) => b[ZONE_COLUMNS[zone]] as number))) / fga : null)
  return { paint: rate('paint'), mid_range: rate('mid_range'), three_pt: rate('three_pt') }
}

export function primaryZone(rates: Record<Zone, Num>): { zone: Zone; rate: number } | null {
  const { paint, mid_range: mid, three_pt: three } = rates
  if (paint === null || mid === null || three === null) return null
  if (paint >= mid && paint >= three) return { zone: 'paint', rate: paint }
  return mid >= three ? { zone: 'mid_range', rate: mid } : { zone: 'three_pt', rate: three }
}

function scheduleRest(f: FeatureFixture, team: string, entry: RosterEntry): Num {
  const game = f.schedule.find((g) => g.game_id === entry.gameId) as ScheduleRow
  const previous = f.schedule
    .filter(
      (g) => (g.home === team || g.away === team) && g.season_year === game.season_year && g.game_date < game.game_date,
    )
    .map((g) => g.game_date)
    .sort()
    .at(-1)
  return previous === undefined ? null : daysBetween(game.game_date, previous)
}

export function restDays(f: FeatureFixture, entry: RosterEntry): { own: Num; opponent: Num } {
  if (entry.context) return { own: entry.context.days_rest, opponent: entry.context.opponent_days_rest }
  return { own: scheduleRest(f, entry.team, entry), opponent: scheduleRest(f, entry.opponent, entry) }
}

function age(f: FeatureFixture, player: string, date: string): Num {
  const birth = f.registry.find((r) => r.player_lookup === player)?.birth_date
  if (!birth) return null
  const years = Number(date.slice(0, 4)) - Number(birth.slice(0, 4))
  return date.slice(5) < birth.slice(5) ? years - 1 : years
}

/** The four composite scores (#5–#8). */
export function composite(f: FeatureFixture, entry: RosterEntry) {
  const { player, date } = entry
  const played = playedBefore(f, player, date)
  const last7 = played.filter((b) => b.game_date >= addDays(date, -7))
  const minutes7 = last7.map((b) => b.minutes_played ?? 0)
  const minutesPerGame = mean(last7.filter((b) => b.minutes_played !== null).map((b) => b.minutes_played as number))
  const allPlayed = f.box
    .filter((b) => b.player_lookup === player && b.points !== null)
    .map((b) => b.game_date)
    .sort()
  const backToBacks = played.filter(
    (b) => b.game_date >= addDays(date, -14) && allPlayed.includes(addDays(b.game_date, -1)),
  ).length
  const rest = restDays(f, entry).own
  const years = age(f, player, date)
  let score = 100
  score += rest === 1 ? -15 : rest !== null && rest >= 3 ? 5 : 0
  score += last7.length >= 4 ? -10 : 0
  score += sum(minutes7) > 240 ? -10 : 0
  score += minutesPerGame !== null && minutesPerGame > 35 ? -8 : 0
  score += backToBacks >= 2 ? -12 : backToBacks === 1 ? -5 : 0
  score += years !== null && years >= 35 ? -10 : years !== null && years >= 30 ? -5 : 0
  const fatigue = Math.min(Math.max(score, 0), 100)

  const own = teamStats(f, entry.team, date).paceLast10
  const opp = teamStats(f, entry.opponent, date).paceLast10
  const pace = own === null || opp === null ? null : round1(clamp((own - opp) / 2, -3, 3))

  const baseline = entry.context?.avg_usage_rate_last_7_games ?? null
  let usage: Num = null
  if (baseline !== null) {
    const diff = 0.3 * ((entry.context?.projected_usage_rate ?? 25) - baseline)
    const stars = entry.context?.star_teammates_out ?? 0
    const boost = diff > 0 ? (stars >= 2 ? 1.3 : stars === 1 ? 1.15 : 1) : 1
    usage = round1(clamp(diff * boost, -3, 3))
  }

  const primary = primaryZone(zoneRates(f, player, date))
  const vs = primary ? zoneVsLeague(f, entry.opponent, date, primary.zone) : null
  let mismatch: Num = null
  if (primary && vs !== null) {
    let x = vs * Math.min(primary.rate / 50, 1)
    if (Math.abs(x) > 5) x *= 1.2
    mismatch = round1(clamp(x, -10, 10))
  }
  return { fatigue, pace, usage, mismatch }
}

export interface Line {
  line: number
  opening: number
  source: 'odds_api' | 'bettingpros' | 'both'
}

/** §5.1 line selection, restated: DraftKings > FanDuel > BetMGM/PointsBet/Caesars > any; Odds API before BettingPros per book; latest. */
export function selectLine(f: FeatureFixture, player: string, date: string): Line | null {
  const valid = (x: number | null): x is number => x !== null && x > 0 && x <= 80
  const rank = (book: string) =>
    (({ DRAFTKINGS: 1, FANDUEL: 2, BETMGM: 3, POINTSBET: 3, CAESARS: 3 }) as Record<string, number>)[
      book.toUpperCase()
    ] ?? 4
  const offers = [
    ...f.odds
      .filter(
        (o) =>
          o.player_lookup === player && o.game_date === date && valid(o.points_line) && o.minutes_before_tipoff >= 0,
      )
      .map((o) => ({
        source: 'odds_api' as const,
        book: o.bookmaker.toUpperCase(),
        line: o.points_line,
        opening: null as Num,
        at: o.snapshot_timestamp,
        side: 0,
      })),
    ...f.bettingpros
      .filter(
        (b) => b.player_lookup === player && b.game_date === date && b.market_type === 'points' && valid(b.points_line),
      )
      .map((b) => ({
        source: 'bettingpros' as const,
        book: b.bookmaker.toUpperCase(),
        line: b.points_line,
        opening: valid(b.opening_line) ? b.opening_line : null,
        at: b.created_at,
        side: b.bet_side === 'over' ? 0 : 1,
      })),
  ]
  if (offers.length === 0) return null
  const best = [...offers].sort(
    (a, b) =>
      rank(a.book) - rank(b.book) ||
      (a.source === b.source ? 0 : a.source === 'odds_api' ? -1 : 1) ||
      b.at.localeCompare(a.at) ||
      a.side - b.side,
  )[0] as (typeof offers)[number]
  const sameBook = offers
    .filter((o) => o.source === best.source && o.book === best.book)
    .sort((a, b) => a.at.localeCompare(b.at))
  const opening =
    best.source === 'odds_api' ? (sameBook[0] as (typeof offers)[number]).line : (best.opening ?? best.line)
  const sources = new Set(offers.map((o) => o.source))
  return { line: best.line, opening, source: sources.size === 2 ? 'both' : best.source }
}

const INJURY: Record<string, number> = { available: 0, none: 0, probable: 1, questionable: 2, doubtful: 3, out: 3 }

/** Every V8 feature for one roster entry, NULL where the catalog's inputs are missing (not early-season aware). */
export function expectedFeatures(f: FeatureFixture, entry: RosterEntry): Record<string, Num> {
  const { player, date } = entry
  const played = playedBefore(f, player, date)
  const points = (games: readonly BoxRow[]) => games.map((b) => b.points as number)
  const last5 = played.slice(0, 5)
  const last10 = played.slice(0, 10)
  const season = played.filter((b) => seasonOf(b.game_date) === seasonOf(date))
  const rest = restDays(f, entry)
  const trend =
    last5.length === 5
      ? (mean(points(last5.slice(3, 5))) as number) - (mean(points(last5.slice(0, 3))) as number)
      : null
  const step = (x: Num, [u2, u1, d2, d1]: number[]) =>
    x === null ? null : x >= u2! ? 2 : x >= u1! ? 1 : x <= d2! ? -2 : x <= d1! ? -1 : 0
  const min10 = mean(last10.filter((b) => b.minutes_played !== null).map((b) => b.minutes_played as number))
  const minSeason = mean(season.filter((b) => b.minutes_played !== null).map((b) => b.minutes_played as number))
  const ftPoints = sum(points(last10))
  const rates = zoneRates(f, player, date)
  const own = teamStats(f, entry.team, date)
  const opp = teamStats(f, entry.opponent, date)
  const line = selectLine(f, player, date)
  const vsOpponent = played.filter(
    (b) => b.opponent_team_abbr === entry.opponent && b.game_date >= yearsBefore(date, 3),
  )
  const last30 = played.filter((b) => b.game_date >= addDays(date, -30) && (b.minutes_played ?? 0) > 0)
  const c = composite(f, entry)
  const values: Record<string, Num> = {
    points_avg_last_5: last5.length === 5 ? mean(points(last5)) : null,
    points_avg_last_10: mean(points(last10)),
    points_avg_season: mean(points(season)),
    points_std_last_10: stddevSamp(points(last10)),
    games_in_last_7_days: played.filter((b) => b.game_date >= addDays(date, -7)).length,
    fatigue_score: c.fatigue,
    shot_zone_mismatch_score: c.mismatch,
    pace_score: c.pace,
    usage_spike_score: c.usage,
    rest_advantage: rest.own === null || rest.opponent === null ? null : clamp(rest.own - rest.opponent, -2, 2),
    injury_risk: entry.context ? (INJURY[(entry.context.player_status ?? 'available').toLowerCase()] ?? null) : null,
    recent_trend: step(trend, [5, 2, -5, -2]),
    minutes_change: min10 && minSeason ? step((min10 - minSeason) / minSeason, [0.2, 0.1, -0.2, -0.1]) : null,
    opponent_def_rating: opp.defRatingLast15,
    opponent_pace: opp.paceLast15,
    home_away: entry.gameId.split('_')[2] === entry.team ? 1 : 0,
    back_to_back: rest.own === 1 ? 1 : 0,
    playoff_game: f.schedule.find((g) => g.game_id === entry.gameId)?.season_phase === 'playoffs' ? 1 : 0,
    pct_paint: rates.paint === null ? null : rates.paint / 100,
    pct_mid_range: rates.mid_range === null ? null : rates.mid_range / 100,
    pct_three: rates.three_pt === null ? null : rates.three_pt / 100,
    pct_free_throw:
      last10.length >= 5 && ftPoints > 0 ? clamp(sum(last10.map((b) => b.ft_makes ?? 0)) / ftPoints, 0, 0.5) : null,
    team_pace: own.paceLast10,
    team_off_rating: own.offRatingLast10,
    team_win_pct: own.winPct,
    vegas_points_line: line?.line ?? null,
    vegas_opening_line: line?.opening ?? null,
    vegas_line_move: line ? line.line - line.opening : null,
    has_vegas_line: line ? 1 : 0,
    avg_points_vs_opponent: mean(points(vsOpponent)),
    games_vs_opponent: vsOpponent.length,
    minutes_avg_last_10: mean(last30.map((b) => b.minutes_played as number)),
    ppm_avg_last_10: mean(last30.map((b) => (b.points as number) / (b.minutes_played as number))),
  }
  values.has_shot_zone_data =
    values.pct_paint !== null && values.pct_mid_range !== null && values.pct_three !== null ? 1 : 0
  return values
}

/** Early-season rule: the first 14 days from the season's first game date. */
export function isEarlySeason(date: string): boolean {
  return date < addDays(SEASON_START, 14)
}

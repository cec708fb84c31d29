/**
 * Deterministic synthetic sample warehouse for the NBA player-points pipeline (DOMAIN §2, §8).
 *
 * Generative model. Every draw is a uniform from hash(hash(seed, entity, date, purpose)) (random-sql.ts),
 * so the content depends only on the seed and the options, never on row order or threads.
 * - Teams: offense multiplier on their players' scoring rates (+-3.5%), defensive factor on opponents'
 *   points (about +-6%, better for better offenses; +-1.5% per season), pace 99 +- 3.5 (+-0.8 per season),
 *   each spread evenly over the league (no outlier team). Single-game offensive rating ≈ 112 +- 10.5, team
 *   means ≈ 104-118, 10-game means ≈ 95-128; win pct sd ≈ 0.17.
 * - Players: 13-15 per team in depth-chart slots (0 franchise star, 1-4 starters, 5-8 rotation, 9+ bench).
 *   Latent role = base minutes by slot (+-1.5); latent scoring rate = points per minute by slot (stars 0.63,
 *   second options 0.55; lognormal sd 0.09), balanced so every roster's minutes-weighted rate is the same
 *   before the team's offense factor; stars = slot 0 or expected points >= 19. Roles persist across seasons; the rate drifts +-5%
 *   per season and +-8% linearly within a season (recent form is a little more informative), both centred
 *   on the team so they move players against their teammates, not the team's total.
 * - Availability per player-game: injury spells (start prob 1.9-3.7% per game, more for players over 30;
 *   geometric length, mean ~3 games, 12% long 8-25 games), late scratches (1.2%), rest for stars and
 *   veterans on the 2nd night of a back-to-back (14%), personal (0.3%), G League (young deep bench), then
 *   coach's decisions (mostly the bench; fewer when rotation players are absent; +45% bench in playoffs).
 *   DNP rows have NULL points and minutes. The early game-day injury report lists injured players OUT (85%)
 *   or DOUBTFUL, late scratches QUESTIONABLE/PROBABLE, and 5% of healthy rotation players Q/P.
 * - Minutes: base × back-to-back (starters -7%, bench +15%) × load (4 games in 7 days: starters -4%)
 *   × playoff rotation × lognormal noise (sd 0.10 rotation, 0.65 bench), scaled so the players who play
 *   share 240 minutes (absent stars' minutes flow to teammates), soft-capped above 38.
 * - Points: μ = minutes × rate × usage (1 + 10% per star teammate out, max 2, + 2.5% per other rotation
 *   player out, max 4) × opponent defense × the team's possessions / 99 (game tempo sd 2 + own share sd 1.5)
 *   × home (1.015 / 0.985) × playoff defense (0.95) × pre-game news: on 55% of player-games a lognormal factor
 *   (log-sd 0.45) that box scores cannot know before tip-off (tonight's role, matchup or minutes note), the
 *   team's μ rescaled to its total before news. Points ~ Gamma(shape μ/1.7, scale 1.7) (Wilson-Hilferty),
 *   then half of each team's total deviation is taken back from its players pro rata (teammates share
 *   shots), capped at 1.45 points a minute: a 12-point scorer has per-game sd ~6 (news included), team
 *   points sd ~11.
 *   Tied games get overtime points for each side's heaviest-minute player. FT makes, shot zones (no
 *   play-by-play for 1.5% of games → NULL) and usage follow from points and the player's profile.
 * - Bookmaker: estimate = shrink(n) × (0.45 × last-10 avg + 0.55 × season avg shrunk to career) +
 *   (1 - shrink) × preseason projection (true level +-12%), from strictly earlier games; line = estimate
 *   × news^0.95 (the book hears the news) × (1 + 3% per listed star out, about a third of the true effect)
 *   × (1 + 35% of the opponent effect) × small rest effect + 0.2 + noise (sd 1.4 + 0.09 × estimate), on half
 *   points. Opening lines price a quarter of the news and none of the injury news, carry extra noise and stay
 *   within 11.5 points of the current line. Props go to starters and rotation players whose line would be
 *   6+ and who are not listed OUT or DOUBTFUL (all starters, 95% of the rotation; ≈ 14 a game); the Odds API
 *   misses 5% of them (BettingPros has them). So the line carries information no box score has (the news),
 *   and a feature model can still add the rest of the star-out, opponent, rest and pace effects: with the
 *   line, MAE ≈ 4.4-4.6 against Vegas ≈ 4.9; without it (incident I-1), worse than Vegas.
 * Team points are sums of player points (wins follow from them). The schedule (82 games per team, at most 4
 * in any 7 days and 2 in 3, back-to-backs ≈ 17% spread evenly over the season, a 16-team playoff with a game
 * every other day per series) is built in JS (schedule.ts, playoffs.ts) from the same seed.
 */
import type { DuckDBConnection } from '@duckdb/node-api'
import {
  boxStatsSql,
  expectedPointsSql,
  minutesSql,
  overtimeSql,
  playerGameSummaryInsertSql,
  pointsSql,
  teamOffenseInsertSql,
} from './box-sql.js'
import { contextLinesSql, injuryReportInsertSql, upcomingContextInsertSql } from './context-sql.js'
import { playerSeasonsSql, playersSql, registryInsertSql, teamStrengthSql, teamsSql } from './entities-sql.js'
import { playerGamesSql, scheduleInsertSql, scheduleSql, scheduleStagingSql, teamGamesSql } from './games-sql.js'
import { applyIncidents } from './incidents.js'
import type { IncidentSummary } from './incidents.js'
import { bettingprosInsertSql, bettingprosSql, historySql, linesSql, oddsInsertSql, oddsSql } from './market-sql.js'
import { resolveSeedOptions } from './options.js'
import type { ResolvedSeedOptions, SeedOptions } from './options.js'
import { randomMacrosSql } from './random-sql.js'
import { buildSeasonSchedule } from './schedule.js'
import {
  BETTINGPROS_TABLE,
  INJURY_REPORT_TABLE,
  ODDS_API_TABLE,
  PLAYER_GAME_SUMMARY_TABLE,
  PLAYER_REGISTRY_TABLE,
  SCHEDULE_TABLE,
  SEED_DATASETS,
  SEED_TABLES,
  TEAM_OFFENSE_TABLE,
  UPCOMING_CONTEXT_TABLE,
  createTableSql,
  qualifiedName,
} from './tables.js'
import type { SeedTable } from './tables.js'

export { applyIncidents } from './incidents.js'
export type { DateRange, IncidentName, IncidentSummary, SeedIncidents } from './incidents.js'
export { DEFAULT_SEED_OPTIONS, resolveSeedOptions } from './options.js'
export type { ResolvedSeedOptions, SeedOptions } from './options.js'
export { PLAYER_REGISTRY_TABLE, SEED_TABLES } from './tables.js'
export type { SeedColumn, SeedTable } from './tables.js'

export interface SourceTable {
  /** Schema / BigQuery dataset, e.g. `nba_raw`. */
  readonly dataset: string
  /** Table name, e.g. `odds_api_player_points_props`. */
  readonly name: string
  /** The DATE column the table is partitioned by (always `game_date` here). */
  readonly dateColumn: string
}

/** The partitioned source tables and their date columns; the unpartitioned registry is PLAYER_REGISTRY_TABLE. */
export const SOURCE_TABLES: readonly SourceTable[] = SEED_TABLES.flatMap((table) =>
  table.dateColumn === undefined ? [] : [{ dataset: table.dataset, name: table.name, dateColumn: table.dateColumn }],
)

export interface SeedSummary {
  /** Row count per table, keyed `dataset.name`, after incidents. */
  readonly rows: Readonly<Record<string, number>>
  /** Wall-clock time of the whole seed, incidents included. */
  readonly elapsedMs: number
  /** Season years generated (starting years, 2024 = 2024-25). */
  readonly seasons: readonly number[]
  /** Game date of the scheduled slate (the first game date after `through`); null if the seasons have none. */
  readonly scheduledDate: string | null
  /** Rows changed per applied incident; empty without `options.incidents`. */
  readonly incidents: IncidentSummary
}

const WORK_TABLES = [
  'w_teams',
  'w_players',
  'w_player_seasons',
  'w_schedule_all',
  'w_schedule',
  'w_tg',
  'w_pg',
  'w_minutes',
  'w_expected',
  'w_points',
  'w_box',
  'w_stats',
  'w_hist',
  'w_lines',
  'w_odds',
  'w_bp',
  'w_context_lines',
]
const MACROS = ['seed_u', 'seed_n', 'seed_pick', 'half_line', 'exact']

interface SeedRun {
  readonly connection: DuckDBConnection
  readonly options: ResolvedSeedOptions
  readonly rows: Record<string, number>
  readonly progress: (message: string) => void
  readonly started: number
}

async function runAll(connection: DuckDBConnection, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await connection.run(statement)
}

async function countRows(connection: DuckDBConnection, table: string): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)
  return Number(reader.getRowObjectsJS()[0]?.n ?? 0)
}

/** Runs the statements that fill `table`, then records and reports its row count. */
async function fill(run: SeedRun, table: SeedTable, statements: readonly string[]): Promise<void> {
  await runAll(run.connection, statements)
  const name = qualifiedName(table)
  const rows = await countRows(run.connection, name)
  run.rows[name] = rows
  const seconds = ((performance.now() - run.started) / 1000).toFixed(1)
  run.progress(`${name}: ${rows.toLocaleString('en-US')} rows (${seconds} s)`)
}

async function buildSchedule(run: SeedRun): Promise<string[]> {
  const reader = await run.connection.runAndReadAll(teamStrengthSql())
  const strength = new Map(reader.getRowObjectsJS().map((row) => [String(row.team), Number(row.strength)]))
  const games = []
  for (let season = run.options.firstSeason; season <= run.options.lastSeason; season += 1) {
    games.push(...buildSeasonSchedule(run.options.seed, season, strength))
  }
  const window = {
    firstSeason: run.options.firstSeason,
    lastSeason: run.options.lastSeason,
    through: run.options.through,
  }
  return [scheduleStagingSql(games), scheduleSql(window)]
}

async function scheduledDate(connection: DuckDBConnection): Promise<string | null> {
  const sql = `SELECT strftime(max(game_date), '%Y-%m-%d') AS d FROM w_schedule WHERE game_status = 'Scheduled'`
  const reader = await connection.runAndReadAll(sql)
  const value = reader.getRowObjectsJS()[0]?.d
  return typeof value === 'string' ? value : null
}

async function generate(run: SeedRun): Promise<void> {
  await fill(run, PLAYER_REGISTRY_TABLE, [teamsSql(), playersSql(), registryInsertSql()])
  await fill(run, SCHEDULE_TABLE, [...(await buildSchedule(run)), scheduleInsertSql()])
  await fill(run, PLAYER_GAME_SUMMARY_TABLE, [
    teamGamesSql(),
    playerSeasonsSql(),
    playerGamesSql(),
    minutesSql(),
    expectedPointsSql(),
    pointsSql(),
    overtimeSql(),
    boxStatsSql(),
    playerGameSummaryInsertSql(),
  ])
  await fill(run, TEAM_OFFENSE_TABLE, [teamOffenseInsertSql()])
  await fill(run, ODDS_API_TABLE, [historySql(), linesSql(), oddsSql(), oddsInsertSql()])
  await fill(run, BETTINGPROS_TABLE, [bettingprosSql(), bettingprosInsertSql()])
  await fill(run, INJURY_REPORT_TABLE, [injuryReportInsertSql()])
  await fill(run, UPCOMING_CONTEXT_TABLE, [contextLinesSql(), upcomingContextInsertSql()])
}

async function cleanUp(connection: DuckDBConnection): Promise<void> {
  for (const table of WORK_TABLES) await connection.run(`DROP TABLE IF EXISTS temp.main.${table}`)
  for (const macro of MACROS) await connection.run(`DROP MACRO IF EXISTS temp.main.${macro}`)
}

/**
 * (Re)creates the seed tables in `nba_reference`, `nba_analytics` and `nba_raw` (other tables in those
 * schemas are left alone) and fills them deterministically from `options.seed`; reports one line per table.
 */
export async function seedWarehouse(
  connection: DuckDBConnection,
  options: Partial<SeedOptions> = {},
  onProgress?: (message: string) => void,
): Promise<SeedSummary> {
  const started = performance.now()
  const run: SeedRun = {
    connection,
    options: resolveSeedOptions(options),
    rows: {},
    progress: onProgress ?? (() => {}),
    started,
  }
  try {
    await runAll(connection, randomMacrosSql(run.options.seed))
    await runAll(
      connection,
      SEED_DATASETS.map((dataset) => `CREATE SCHEMA IF NOT EXISTS ${dataset}`),
    )
    await runAll(connection, SEED_TABLES.map(createTableSql))
    await generate(run)
    const slate = await scheduledDate(connection)
    const incidents = run.options.incidents === undefined ? {} : await applyIncidents(connection, run.options.incidents)
    for (const table of SEED_TABLES) run.rows[qualifiedName(table)] = await countRows(connection, qualifiedName(table))
    const seasons = Array.from({ length: run.options.seasons }, (_, index) => run.options.firstSeason + index)
    return {
      rows: { ...run.rows },
      elapsedMs: Math.round(performance.now() - run.started),
      seasons,
      scheduledDate: slate,
      incidents,
    }
  } finally {
    await cleanUp(connection)
  }
}

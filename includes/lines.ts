/**
 * THE line-selection definition (DOMAIN §3.1 #25–#27, §5.1, lesson 17): the feature store's Vegas
 * features, live predictions and backfills all read lines through this file and nowhere else.
 *
 * - Offers: Odds API snapshots taken before tip-off, and BettingPros offers of the points market
 *   only (`market_type = 'points'`, A-09a). A line outside (0, 80] is not a line (A-09b: a stored
 *   0.0 once meant "missing").
 * - Current line: book priority DraftKings, FanDuel, then BetMGM / PointsBet / Caesars, then any
 *   book; for each book the Odds API before BettingPros; then the latest snapshot (Odds API
 *   snapshot_timestamp, BettingPros created_at); BettingPros' 'over' side first; then the lower line,
 *   then the book's name (books of one tier offering the same line at the same time would otherwise
 *   tie, and the engine would pick either). One book's line, never an average across books.
 * - Opening line: the same source and book's earliest Odds API snapshot, or BettingPros'
 *   opening_line; else the current line.
 * - vegas_line_source: 'both' when both sources offered the player a points line that day, else
 *   the one that did ('none' is the feature store's word for "no row here").
 */
import { raw, sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'
import { inInterval } from './sql-helpers.js'

/** Books by priority (§5.1); unlisted books rank after these. */
export const BOOK_PRIORITY: readonly (readonly string[])[] = [
  ['DRAFTKINGS'],
  ['FANDUEL'],
  ['BETMGM', 'POINTSBET', 'CAESARS'],
]
export const PREFERRED_BOOK = 'DRAFTKINGS'

/** Which dates to read: a condition on a game_date column; default the interval being built. */
export type DateFilter = (column: string) => SqlFragment

function bookRank(column: string): SqlFragment {
  const whens = BOOK_PRIORITY.flatMap((books, i) => books.map((book) => `WHEN '${book}' THEN ${i + 1}`))
  return raw(`CASE ${column} ${whens.join(' ')} ELSE ${BOOK_PRIORITY.length + 1} END`)
}

/** Between two books of equal rank, the Odds API's offer first. */
const SOURCE_RANK = raw(`CASE source WHEN 'odds_api' THEN 1 ELSE 2 END`)

/** The current line's order among a player's offers of a date: 1 is the line (see the file's head). */
const CURRENT_RANK = sql`ROW_NUMBER() OVER (PARTITION BY player_lookup, game_date
        ORDER BY ${bookRank('sportsbook')}, ${SOURCE_RANK}, offered_at DESC, side_rank, points_line, sportsbook)`

/**
 * CURRENT_RANK's order as one key, for `arg_min` on DuckDB (ENGINE GAP: no ordered pick in ctx.fn): a
 * hash aggregate per (player, date) instead of a window that sorts every offer (for a year's 190k offers,
 * 132 -> 49 ms of CPU, the same rows). NULLs sort last as in the window: the timestamp and the book's name
 * are led by an IS NULL flag, and offered_at DESC is its negated epoch.
 */
const CURRENT_KEY = sql`struct_pack(book := ${bookRank('sportsbook')}, source := ${SOURCE_RANK},
          undated := offered_at IS NULL, newest := COALESCE(-epoch_us(offered_at), 0), side := side_rank,
          line := points_line, unnamed := sportsbook IS NULL, book_name := COALESCE(sportsbook, ''))`

const VALID_LINE = (column: string) => raw(`${column} > 0 AND ${column} <= 80`)

/** Every valid points offer of the dates: one row per snapshot or offer. */
export function propOffersSql(ctx: ActionContext, dates: DateFilter = (c) => inInterval(ctx, c)): SqlFragment {
  return sql`SELECT player_lookup, game_date, game_id, 'odds_api' AS source, UPPER(bookmaker) AS sportsbook,
      ${ctx.fn.cast(sql`points_line`, 'FLOAT64')} AS points_line, ${ctx.fn.cast(sql`NULL`, 'FLOAT64')} AS opening_line,
      snapshot_timestamp AS offered_at, minutes_before_tipoff, 0 AS side_rank
    FROM ${ctx.ref('odds_api_player_points_props')}
    WHERE ${dates('game_date')} AND ${VALID_LINE('points_line')} AND (minutes_before_tipoff IS NULL OR minutes_before_tipoff >= 0)
    UNION ALL
    SELECT player_lookup, game_date, ${ctx.fn.cast(sql`NULL`, 'STRING')} AS game_id, 'bettingpros' AS source, UPPER(bookmaker) AS sportsbook,
      ${ctx.fn.cast(sql`points_line`, 'FLOAT64')} AS points_line,
      CASE WHEN ${VALID_LINE('opening_line')} THEN ${ctx.fn.cast(sql`opening_line`, 'FLOAT64')} END AS opening_line,
      created_at AS offered_at, ${ctx.fn.cast(sql`NULL`, 'INT64')} AS minutes_before_tipoff,
      CASE WHEN LOWER(bet_side) = 'over' THEN 0 ELSE 1 END AS side_rank
    FROM ${ctx.ref('bettingpros_player_points_props')}
    WHERE market_type = 'points' AND ${dates('game_date')} AND ${VALID_LINE('points_line')}`
}

/**
 * `WITH`-list entries ending in `selected_lines`: one row per (player_lookup, game_date) with a
 * line, with points_line, opening_line, vegas_line_source, line_source_api ('ODDS_API' |
 * 'BETTINGPROS'), sportsbook, was_line_fallback (book ≠ DraftKings), line_minutes_before_game,
 * line_offered_at and game_id (Odds API only). The current line's order ends on the sportsbook: books
 * of one priority offering the same line at the same time would otherwise be picked by the engine's
 * whim, and a rebuild of unchanged inputs would differ.
 */
export function lineSelectionCtes(ctx: ActionContext, dates?: DateFilter): SqlFragment {
  return sql`l_offers AS (
    ${propOffersSql(ctx, dates)}
  ),
  l_ranked AS (
    SELECT o.*,
      ${CURRENT_RANK} AS current_rank,
      ROW_NUMBER() OVER (PARTITION BY player_lookup, game_date, source, sportsbook ORDER BY offered_at, side_rank, points_line) AS earliest_rank,
      MAX(CASE WHEN source = 'odds_api' THEN 1 ELSE 0 END) OVER (PARTITION BY player_lookup, game_date) AS has_odds_api,
      MAX(CASE WHEN source = 'bettingpros' THEN 1 ELSE 0 END) OVER (PARTITION BY player_lookup, game_date) AS has_bettingpros
    FROM l_offers o
  ),
  selected_lines AS (
    SELECT cur.player_lookup, cur.game_date, cur.game_id, cur.points_line,
      CASE WHEN cur.source = 'odds_api' THEN COALESCE(op.points_line, cur.points_line) ELSE COALESCE(cur.opening_line, cur.points_line) END AS opening_line,
      CASE WHEN cur.has_odds_api = 1 AND cur.has_bettingpros = 1 THEN 'both' ELSE cur.source END AS vegas_line_source,
      CASE WHEN cur.source = 'odds_api' THEN 'ODDS_API' ELSE 'BETTINGPROS' END AS line_source_api,
      cur.sportsbook, cur.sportsbook <> ${PREFERRED_BOOK} AS was_line_fallback,
      cur.minutes_before_tipoff AS line_minutes_before_game, cur.offered_at AS line_offered_at
    FROM l_ranked cur
    LEFT JOIN l_ranked op ON op.player_lookup = cur.player_lookup AND op.game_date = cur.game_date
      AND op.source = cur.source AND op.sportsbook = cur.sportsbook AND op.earliest_rank = 1
    WHERE cur.current_rank = 1
  )`
}

/**
 * `WITH`-list entries ending in `current_lines`: the current line of `selected_lines` alone, one row
 * per (player_lookup, game_date) with a line, with points_line, sportsbook, line_source_api and
 * line_minutes_before_game: the same row `selected_lines` picks, by the same order. For readers that
 * need no opening line and no vegas_line_source (the predictions): one window over the offers instead
 * of two, and no self-join for the opening line.
 */
export function currentLineCtes(ctx: ActionContext, dates?: DateFilter): SqlFragment {
  const picked =
    ctx.engine === 'duckdb'
      ? sql`SELECT player_lookup, game_date, pick.points_line, pick.sportsbook, pick.source, pick.minutes_before_tipoff
      FROM (
        SELECT player_lookup, game_date, arg_min(struct_pack(points_line := points_line, sportsbook := sportsbook,
          source := source, minutes_before_tipoff := minutes_before_tipoff), ${CURRENT_KEY}) AS pick
        FROM cl_offers GROUP BY player_lookup, game_date
      ) AS g`
      : sql`SELECT * FROM (SELECT o.*, ${CURRENT_RANK} AS current_rank FROM cl_offers o) AS ranked WHERE current_rank = 1`
  return sql`cl_offers AS (
    ${propOffersSql(ctx, dates)}
  ),
  current_lines AS (
    SELECT player_lookup, game_date, points_line, sportsbook,
      CASE WHEN source = 'odds_api' THEN 'ODDS_API' ELSE 'BETTINGPROS' END AS line_source_api,
      minutes_before_tipoff AS line_minutes_before_game
    FROM (${picked}) AS current_offer
  )`
}

/** Players with a points prop on a date (Odds API, or BettingPros' points market): A-08a's scope. */
export function propPlayersSql(ctx: ActionContext, dates?: DateFilter): SqlFragment {
  return sql`SELECT DISTINCT player_lookup, game_date FROM (${propOffersSql(ctx, dates)}) AS offers`
}

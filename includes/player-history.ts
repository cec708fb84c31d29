/**
 * Player history as of each target date D: every aggregate of DOMAIN §3.1 over the player's
 * played games (points NOT NULL: a DNP is not a 0-point game) with game_date < D, strictly.
 *
 * Shape: "the N most recent games" ranks the player's played games before D newest first (rn = 1 is
 * the most recent game before D) and reads rn ≤ N; date windows are bounds on D, so every formula
 * reads as written in the catalog.
 * The same builder feeds player_daily_cache, player_shot_zone_analysis, player_composite_factors
 * and the feature store, so the four can never disagree on a window.
 */
import { raw, sql } from '../src/index.js'
import type { ActionContext, SqlFragment } from '../src/index.js'
import { beforeIntervalEnd, exactAvg, seasonYearOf, sortedArrayAgg, yearsBefore } from './sql-helpers.js'

/**
 * STDDEV_SAMP of whole numbers (points), from exact integer sums: STDDEV_SAMP updates a running mean
 * and variance row by row, so its last bits depend on the order a parallel aggregation merges partial
 * states, and a value on a threshold (a std of exactly 8.0 against "below 8") could flip from run to run.
 * n·Σx² − (Σx)² is exact; one division and one square root follow. NULL below two values.
 */
function wholeNumberStddev(ctx: ActionContext, value: SqlFragment): SqlFragment {
  const x = ctx.fn.cast(value, 'INT64')
  const n = sql`COUNT(${x})`
  const spread = sql`${n} * SUM(${x} * ${x}) - SUM(${x}) * SUM(${x})`
  return sql`CASE WHEN ${n} >= 2 THEN SQRT(${ctx.fn.cast(spread, 'FLOAT64')} / (${n} * (${n} - 1))) END`
}

/** Played games before the interval end, with the player's previous played game date (back-to-backs). */
function playedGamesSql(ctx: ActionContext): SqlFragment {
  return sql`SELECT player_lookup, game_date, opponent_team_abbr, ${seasonYearOf(sql`game_date`)} AS season_year,
      ${ctx.fn.cast(sql`points`, 'FLOAT64')} AS points, ${ctx.fn.cast(sql`minutes_played`, 'FLOAT64')} AS minutes,
      minutes_played AS minutes_exact,
      ft_makes, fg_attempts, paint_attempts, mid_range_attempts, three_pt_attempts,
      LAG(game_date) OVER (PARTITION BY player_lookup ORDER BY game_date) AS previous_game_date
    FROM ${ctx.ref('player_game_summary')}
    WHERE points IS NOT NULL AND ${beforeIntervalEnd(ctx, 'game_date')}`
}

/** Σ over the last 10 games that have play-by-play (fg_attempts NOT NULL). */
function zoneSum(ctx: ActionContext, column: string): SqlFragment {
  return sql`SUM(CASE WHEN rn <= 10 AND fg_attempts IS NOT NULL THEN ${raw(column)} END)`
}

/**
 * Zone share of FGA in percent (0–100) over the last 10 played games, from the games that have
 * play-by-play; NULL when fewer than half of those games have it (the source is missing).
 */
export function zoneRateSql(ctx: ActionContext, prefix: string, zone: 'paint' | 'mid_range' | 'three_pt'): SqlFragment {
  const p = raw(prefix)
  return sql`CASE WHEN ${p}zone_games_last_10 >= 1 AND 2 * ${p}zone_games_last_10 >= ${p}games_last_10
    THEN 100 * ${ctx.fn.safeDivide(sql`${p}${raw(zone)}_attempts_last_10`, sql`${p}fg_attempts_last_10`)} END`
}

/** A window over the player's history as of each row's date, strictly before it (`frame` in days). */
function before(partition: string, frame: string): SqlFragment {
  return raw(`OVER (PARTITION BY ${partition} ORDER BY day_number RANGE BETWEEN ${frame} AND 1 PRECEDING)`)
}

/** Offsets 1..10: "the N-th most recent game before D" as an equality join on the game's number. */
const RECENT_RANKS = raw(Array.from({ length: 10 }, (_, i) => `SELECT ${i + 1} AS rn`).join(' UNION ALL '))

/**
 * A sum or mean of minutes, computed on the source's exact decimals and returned as FLOAT64: a float
 * sum depends on the order the engine adds rows in, and "more than 35 minutes per game" or "10 % above
 * the season" must not flip on the last bit (three games of 35.0 minutes are 105, not 105.00000000000001).
 */
function minutesAggregate(ctx: ActionContext, aggregate: 'SUM' | 'AVG', value: string, over: SqlFragment | null) {
  return ctx.fn.cast(sql`${raw(aggregate)}(${raw(value)})${over ? sql` ${over}` : sql``}`, 'FLOAT64')
}

/**
 * The played games, then the keys (is_game = 0), in one stream ordered by day number per player.
 *
 * The stream holds only the games the date windows can reach: those of the keys' seasons or later (the
 * season frames) and of the 30 days before the first key or later (the day frames, 30 days the longest).
 * Earlier games only add to "all history" (games_before): h_carry counts them per player. A year's batch
 * no longer sorts and frames every earlier season again (the history is still read once, for the game
 * numbers and previous game dates of h_played).
 */
function streamCtes(ctx: ActionContext, keys: string): SqlFragment {
  // Days from the interval start (negative for history): a numeric key for RANGE frames, no date literal (A-04c).
  const dayNumber = ctx.fn.dateDiffDays(sql`game_date`, ctx.interval.start)
  const inStream = sql`(g.season_year >= c.first_season OR g.day_number >= c.first_day - ${raw(String(LONGEST_DAY_FRAME))})`
  return sql`h_played AS (
    SELECT g.*, ROW_NUMBER() OVER (PARTITION BY player_lookup ORDER BY game_date) AS game_number,
      ${dayNumber} AS day_number
    FROM (${playedGamesSql(ctx)}) g
  ),
  h_cutoff AS (
    SELECT MIN(season_year) AS first_season, MIN(${dayNumber}) AS first_day FROM ${raw(keys)}
  ),
  h_carry AS (
    SELECT g.player_lookup, COUNT(*) AS games
    FROM h_played g CROSS JOIN h_cutoff c
    WHERE NOT ${inStream}
    GROUP BY g.player_lookup
  ),
  h_stream AS (
    SELECT g.player_lookup, g.game_date, g.season_year, g.opponent_team_abbr, g.day_number, 1 AS is_game,
      g.points, g.minutes, g.minutes_exact, g.previous_game_date
    FROM h_played g CROSS JOIN h_cutoff c
    WHERE ${inStream}
    UNION ALL
    SELECT player_lookup, game_date, season_year, opponent_team_abbr, ${dayNumber} AS day_number, 0 AS is_game,
      NULL AS points, NULL AS minutes, NULL AS minutes_exact, NULL AS previous_game_date
    FROM ${raw(keys)}
  )`
}

/** The longest day frame of windowsCte, in days: how far before the first key the stream must reach. */
const LONGEST_DAY_FRAME = 30

/** Per key with a game before it: the date-window aggregates (all history, season, 7, 14, 30 days). */
function windowsCte(ctx: ActionContext): SqlFragment {
  const all = before('player_lookup', 'UNBOUNDED PRECEDING')
  const season = before('player_lookup, season_year', 'UNBOUNDED PRECEDING')
  const days = (n: number) => before('player_lookup', `${n} PRECEDING`)
  const isGame = sql`is_game = 1`
  const backToBack = sql`${isGame} AND previous_game_date = ${ctx.fn.dateAddDays(sql`game_date`, -1)}`
  const gamesBefore = sql`COALESCE(cy.games, 0) + w.games_in_stream`
  return sql`h_windows AS (
    SELECT w.*, ${gamesBefore} AS games_before FROM (
      SELECT player_lookup, game_date AS target_date, opponent_team_abbr AS target_opponent, is_game,
        ${ctx.fn.countIf(isGame)} ${all} AS games_in_stream,
        AVG(points) ${season} AS points_avg_season,
        ${ctx.fn.countIf(isGame)} ${season} AS games_season,
        ${minutesAggregate(ctx, 'AVG', 'minutes_exact', season)} AS minutes_avg_season,
        ${ctx.fn.countIf(isGame)} ${days(7)} AS games_last_7_days,
        ${minutesAggregate(ctx, 'SUM', 'minutes_exact', days(7))} AS minutes_last_7_days,
        ${minutesAggregate(ctx, 'AVG', 'minutes_exact', days(7))} AS minutes_per_game_last_7_days,
        ${ctx.fn.countIf(backToBack)} ${days(14)} AS back_to_backs_last_14_days,
        ${minutesAggregate(ctx, 'AVG', 'CASE WHEN minutes > 0 THEN minutes_exact END', days(LONGEST_DAY_FRAME))} AS minutes_avg_last_30_days,
        ${exactAvg(ctx, sql`CASE WHEN minutes > 0 THEN points / minutes END`, days(LONGEST_DAY_FRAME))} AS ppm_avg_last_30_days
      FROM h_stream
    ) w
    LEFT JOIN h_carry cy ON cy.player_lookup = w.player_lookup
    WHERE w.is_game = 0 AND ${gamesBefore} > 0
  )`
}

/** Per key: the aggregates of the last 10 games (rn = 1 the most recent), joined by game number. */
function recentCtes(ctx: ActionContext): SqlFragment {
  return sql`h_ranked AS (
    SELECT w.player_lookup, w.target_date, r.rn, g.game_date, g.points, g.minutes_exact, g.ft_makes, g.fg_attempts,
      g.paint_attempts, g.mid_range_attempts, g.three_pt_attempts
    FROM h_windows w
    CROSS JOIN (${RECENT_RANKS}) r
    JOIN h_played g ON g.player_lookup = w.player_lookup AND g.game_number = w.games_before - r.rn + 1
  ),
  h_recent AS (
    SELECT player_lookup, target_date,
      ${ctx.fn.countIf(sql`rn <= 5`)} AS games_last_5,
      ${ctx.fn.countIf(sql`rn <= 10`)} AS games_last_10,
      AVG(CASE WHEN rn <= 5 THEN points END) AS points_avg_5_games,
      AVG(CASE WHEN rn <= 10 THEN points END) AS points_avg_10_games,
      ${wholeNumberStddev(ctx, sql`CASE WHEN rn <= 10 THEN points END`)} AS points_std_10_games,
      AVG(CASE WHEN rn <= 3 THEN points END) AS points_avg_games_1_3,
      AVG(CASE WHEN rn IN (4, 5) THEN points END) AS points_avg_games_4_5,
      ${minutesAggregate(ctx, 'AVG', 'CASE WHEN rn <= 10 THEN minutes_exact END', null)} AS minutes_avg_10_games,
      SUM(CASE WHEN rn <= 10 THEN ft_makes END) AS ft_makes_last_10,
      SUM(CASE WHEN rn <= 10 THEN points END) AS points_sum_last_10,
      ${ctx.fn.countIf(sql`rn <= 10 AND fg_attempts IS NOT NULL`)} AS zone_games_last_10,
      ${zoneSum(ctx, 'fg_attempts')} AS fg_attempts_last_10,
      ${zoneSum(ctx, 'paint_attempts')} AS paint_attempts_last_10,
      ${zoneSum(ctx, 'mid_range_attempts')} AS mid_range_attempts_last_10,
      ${zoneSum(ctx, 'three_pt_attempts')} AS three_pt_attempts_last_10,
      ${sortedArrayAgg(ctx, sql`CASE WHEN rn <= 10 THEN game_date END`)} AS contributing_game_dates
    FROM h_ranked
    GROUP BY player_lookup, target_date
  )`
}

/**
 * `WITH`-list entries ending in `player_history`, one row per key (player_lookup, game_date = D)
 * with at least one played game before D (no row otherwise: every column reads NULL through a LEFT JOIN).
 * `keys` names a CTE with player_lookup, game_date, opponent_team_abbr and season_year (of D).
 *
 * Linear in the history, not quadratic: the keys are merged into the player's stream of played games
 * and the date windows (7, 14, 30 days, season, all history) are RANGE frames ending the day before D;
 * "the N most recent games" joins each key to its last 10 games by game number (games_before − rn + 1);
 * only the games against D's opponent are joined by date range (a few per key).
 */
export function playerHistoryCtes(ctx: ActionContext, keys: string): SqlFragment {
  return sql`${streamCtes(ctx, keys)},
  ${windowsCte(ctx)},
  ${recentCtes(ctx)},
  h_vs_opponent AS (
    SELECT w.player_lookup, w.target_date, AVG(g.points) AS points_avg_vs_opponent, COUNT(*) AS games_vs_opponent
    FROM h_windows w
    JOIN h_played g ON g.player_lookup = w.player_lookup AND g.opponent_team_abbr = w.target_opponent
      AND g.game_date < w.target_date AND g.game_date >= ${yearsBefore(ctx, sql`w.target_date`, 3)}
    GROUP BY w.player_lookup, w.target_date
  ),
  player_history AS (
    SELECT w.player_lookup, w.target_date AS game_date,
      w.games_before, r.games_last_5, r.games_last_10, r.points_avg_5_games, r.points_avg_10_games, r.points_std_10_games,
      w.points_avg_season, w.games_season, r.points_avg_games_1_3, r.points_avg_games_4_5, r.minutes_avg_10_games,
      w.minutes_avg_season, r.ft_makes_last_10, r.points_sum_last_10, r.zone_games_last_10, r.fg_attempts_last_10,
      r.paint_attempts_last_10, r.mid_range_attempts_last_10, r.three_pt_attempts_last_10, w.games_last_7_days,
      w.minutes_last_7_days, w.minutes_per_game_last_7_days, w.back_to_backs_last_14_days, w.minutes_avg_last_30_days,
      w.ppm_avg_last_30_days, v.points_avg_vs_opponent, COALESCE(v.games_vs_opponent, 0) AS games_vs_opponent,
      r.contributing_game_dates
    FROM h_windows w
    JOIN h_recent r ON r.player_lookup = w.player_lookup AND r.target_date = w.target_date
    LEFT JOIN h_vs_opponent v ON v.player_lookup = w.player_lookup AND v.target_date = w.target_date
  )`
}

/**
 * The recent-performance values as the catalog defines them, from `player_history` aliased `prefix`
 * (e.g. 'h.'): last 5 needs 5 games, std needs 2 (STDDEV_SAMP is NULL for one).
 */
export function recentPerformanceSql(prefix: string) {
  const p = raw(prefix)
  return {
    points_avg_last_5: sql`CASE WHEN ${p}games_last_5 = 5 THEN ${p}points_avg_5_games END`,
    points_avg_last_10: sql`${p}points_avg_10_games`,
    points_avg_season: sql`${p}points_avg_season`,
    points_std_last_10: sql`${p}points_std_10_games`,
    minutes_avg_last_10: sql`${p}minutes_avg_10_games`,
  } as const
}

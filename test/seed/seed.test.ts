import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SEED_TABLES, SOURCE_TABLES } from '../../scripts/seed/index.js'
import {
  PROP_GAMES_SQL,
  expectBetween,
  leastSquares,
  meanAbsoluteError,
  numbers,
  rows,
  seedInMemory,
} from './support.js'
import type { SeededDb } from './support.js'

// One full default seed (2024-25 complete, 2025-26 through 2026-01-31); magnitudes from DOMAIN §8.
const PGS = 'nba_analytics.player_game_summary'
const UPGC = 'nba_analytics.upcoming_player_game_context'
const TEAM = 'nba_analytics.team_offense_game_summary'
const SCHEDULE = 'nba_reference.nba_schedule'
const ODDS = 'nba_raw.odds_api_player_points_props'
const BETTINGPROS = 'nba_raw.bettingpros_player_points_props'
const PROP_PLAYED = `(SELECT p.*, c.current_points_line::DOUBLE AS line FROM ${PGS} p
  JOIN (SELECT DISTINCT player_lookup, game_id, current_points_line FROM ${UPGC} WHERE has_prop_line) c USING (player_lookup, game_id)
  WHERE NOT p.is_dnp)`

let db: SeededDb
const q = (sql: string) => numbers(db.connection, sql)

beforeAll(async () => {
  db = await seedInMemory({})
}, 60_000)
afterAll(() => db?.close())

describe('seedWarehouse with default options', () => {
  // How long seeding takes is a benchmark figure (scripts/bench/pipeline.ts), never a unit test: it fails under load.
  it('writes every table and reports one progress line per table', () => {
    expect(db.progress).toHaveLength(SEED_TABLES.length)
    for (const table of SEED_TABLES) expect(db.summary.rows[`${table.dataset}.${table.name}`]).toBeGreaterThan(0)
    expect(db.summary.seasons).toEqual([2024, 2025])
    expect(db.summary.scheduledDate).toBe('2026-02-01')
    expect(db.summary.elapsedMs).toBeGreaterThan(0)
  })

  it('declares the partitioned source tables with existing date columns', async () => {
    expect(SOURCE_TABLES.map((table) => table.name)).not.toContain('player_registry')
    expect(SOURCE_TABLES).toHaveLength(SEED_TABLES.length - 1)
    for (const table of SOURCE_TABLES) {
      const found = await rows(
        db.connection,
        `SELECT data_type FROM information_schema.columns
        WHERE table_schema = '${table.dataset}' AND table_name = '${table.name}' AND column_name = '${table.dateColumn}'`,
      )
      expect(found).toEqual([{ data_type: 'DATE' }])
    }
  })

  it('uses the DOMAIN §2 types mapped to DuckDB, with created_at everywhere', async () => {
    const types = await rows(
      db.connection,
      `SELECT table_name || '.' || column_name AS c, data_type AS t FROM information_schema.columns
      WHERE table_schema IN ('nba_reference', 'nba_analytics', 'nba_raw')`,
    )
    const typeOf = new Map(types.map((row) => [row.c, row.t]))
    expect(typeOf.get('player_game_summary.minutes_played')).toBe('DECIMAL(5,1)')
    expect(typeOf.get('player_game_summary.points')).toBe('BIGINT')
    expect(typeOf.get('player_game_summary.usage_rate')).toBe('DOUBLE')
    expect(typeOf.get('upcoming_player_game_context.current_points_line')).toBe('DECIMAL(4,1)')
    expect(typeOf.get('upcoming_player_game_context.line_movement')).toBe('DECIMAL(38,9)')
    expect(typeOf.get('nba_schedule.season_year')).toBe('BIGINT')
    expect(typeOf.get('player_registry.birth_date')).toBe('DATE')
    expect(typeOf.get('odds_api_player_points_props.points_line')).toBe('DOUBLE')
    for (const table of SEED_TABLES) expect(typeOf.get(`${table.name}.created_at`)).toBe('TIMESTAMP')
  })
})

describe('schedule', () => {
  it('plays 1,230 regular-season games per full season, exactly 82 per team', async () => {
    const perTeam = await rows(
      db.connection,
      `SELECT team, count(*) AS n FROM (
        SELECT home_team_tricode AS team FROM ${SCHEDULE} WHERE season_year = 2024 AND season_phase = 'regular_season'
        UNION ALL SELECT away_team_tricode FROM ${SCHEDULE} WHERE season_year = 2024 AND season_phase = 'regular_season'
      ) GROUP BY team`,
    )
    expect(perTeam).toHaveLength(30)
    expect(new Set(perTeam.map((row) => row.n))).toEqual(new Set([82]))
  })

  it('spreads a full season over 190-230 game dates: 160-180 regular, 60-105 playoff games mid-April to mid-June', async () => {
    const season = await q(`SELECT count(DISTINCT game_date) AS dates,
        count(DISTINCT game_date) FILTER (WHERE season_phase = 'regular_season') AS regular_dates,
        count(*) FILTER (WHERE season_phase = 'playoffs') AS playoff_games,
        min(game_date) FILTER (WHERE season_phase = 'playoffs') - DATE '2025-04-01' AS playoff_start_day,
        max(game_date) - DATE '2025-06-01' AS playoff_end_day
      FROM ${SCHEDULE} WHERE season_year = 2024`)
    expectBetween(season.dates!, 190, 230, 'game dates per full season')
    expectBetween(season.regular_dates!, 160, 180, 'regular-season game dates')
    expectBetween(season.playoff_games!, 60, 105, 'playoff games')
    expectBetween(season.playoff_start_day!, 11, 24, 'first playoff day (April)')
    expectBetween(season.playoff_end_day!, 0, 24, 'last playoff day (June)')
  })

  it('averages 6.8-8.0 games per regular-season date and opens in late October', async () => {
    const perDate = await q(
      `SELECT count(*) / count(DISTINCT game_date) AS games_per_date FROM ${SCHEDULE} WHERE season_phase = 'regular_season'`,
    )
    expectBetween(perDate.games_per_date!, 6.8, 8.0, 'games per regular-season date')
    const openers = await rows(
      db.connection,
      `SELECT strftime(min(game_date), '%m-%d') AS d FROM ${SCHEDULE}
      GROUP BY season_year ORDER BY season_year`,
    )
    expect(openers).toEqual([{ d: '10-22' }, { d: '10-21' }])
  })

  it('keeps every team to 4 games in 7 days and back-to-backs at 8-30% of every 14 game days (A-16, A-05a)', async () => {
    const load = await q(`WITH sides AS (SELECT home_team_tricode AS team, game_date FROM ${SCHEDULE}
        UNION ALL SELECT away_team_tricode, game_date FROM ${SCHEDULE})
      SELECT max(n) AS most FROM (SELECT count(*) OVER (PARTITION BY team ORDER BY game_date
        RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW) AS n FROM sides)`)
    expect(load.most).toBe(4)
    // A-05a's windows over the context rows: regular season, after each season's first 14 days.
    const shares =
      await q(`WITH openers AS (SELECT season_year, min(game_date) AS opener FROM ${SCHEDULE} GROUP BY ALL),
      daily AS (
        SELECT c.game_date, count(*) AS n, count(*) FILTER (WHERE c.back_to_back) AS b
        FROM (SELECT DISTINCT player_lookup, game_id, game_date, back_to_back FROM ${UPGC}) c
        JOIN ${SCHEDULE} s USING (game_id) JOIN openers o USING (season_year)
        WHERE s.season_phase = 'regular_season' AND c.game_date >= o.opener + 14 GROUP BY ALL
      ),
      windows AS (SELECT count(*) OVER w AS days, sum(b) OVER w / sum(n) OVER w AS share FROM daily
        WINDOW w AS (ORDER BY game_date ROWS BETWEEN 13 PRECEDING AND CURRENT ROW))
      SELECT min(share) AS low, max(share) AS high FROM windows WHERE days = 14`)
    expectBetween(shares.low!, 0.08, 0.3, 'lowest back-to-back share over 14 game days')
    expectBetween(shares.high!, 0.08, 0.3, 'highest back-to-back share over 14 game days')
  })

  it('keeps games Final through `through` and schedules the next slate without box scores', async () => {
    const status =
      await q(`SELECT max(game_date) FILTER (WHERE game_status = 'Final') - DATE '2026-01-31' AS last_final,
        count(*) FILTER (WHERE game_status = 'Scheduled') AS scheduled,
        count(*) FILTER (WHERE game_status = 'Scheduled' AND game_date <> DATE '2026-02-01') AS scheduled_elsewhere FROM ${SCHEDULE}`)
    expect(status).toEqual({ last_final: 0, scheduled: expect.any(Number), scheduled_elsewhere: 0 })
    expectBetween(status.scheduled!, 2, 15, 'games on the scheduled slate')
    const slate = await q(`SELECT (SELECT count(*) FROM ${PGS} WHERE game_date > DATE '2026-01-31') AS pgs,
      (SELECT count(*) FROM ${UPGC} WHERE game_date = DATE '2026-02-01') AS context,
      (SELECT count(DISTINCT player_lookup) FROM ${ODDS} WHERE game_date = DATE '2026-02-01') AS props`)
    expect(slate.pgs).toBe(0)
    expect(slate.context).toBeGreaterThan(0)
    expect(slate.props).toBeGreaterThan(0)
  })

  it('formats game_id as YYYYMMDD_AWAY_HOME, so is_home derives from it', async () => {
    const ids = await q(`SELECT count(*) FILTER (WHERE NOT regexp_full_match(game_id, '\\d{8}_[A-Z]{3}_[A-Z]{3}')
        OR split_part(game_id, '_', 1) <> strftime(game_date, '%Y%m%d') OR split_part(game_id, '_', 2) <> away_team_tricode
        OR split_part(game_id, '_', 3) <> home_team_tricode) AS bad, count(DISTINCT home_team_tricode) AS teams FROM ${SCHEDULE}`)
    expect(ids).toEqual({ bad: 0, teams: 30 })
    const home = await q(
      `SELECT count(*) FILTER (WHERE (split_part(game_id, '_', 3) = team_abbr) <> home_game) AS mismatches FROM ${UPGC}`,
    )
    expect(home.mismatches).toBe(0)
  })
})

describe('player registry', () => {
  it('has 13-15 players per team with letters-only lookups and <lookup>_<year> ids', async () => {
    const registry = await q(`SELECT count(*) AS players, count(DISTINCT player_lookup) AS lookups,
        count(*) FILTER (WHERE NOT regexp_full_match(player_lookup, '[a-z]+')) AS bad_lookups,
        count(*) FILTER (WHERE NOT regexp_full_match(universal_player_id, player_lookup || '_\\d{4}')) AS bad_ids,
        count(*) FILTER (WHERE is_star) AS stars FROM nba_reference.player_registry`)
    expect(registry.lookups).toBe(registry.players)
    expect(registry).toMatchObject({ bad_lookups: 0, bad_ids: 0 })
    expectBetween(registry.players!, 30 * 13, 30 * 15, 'registry players')
    expectBetween(registry.stars!, 30, 75, 'stars (1-2.5 per team)')
    const lookups = await q(`SELECT count(*) FILTER (WHERE NOT regexp_full_match(player_lookup, '[a-z]+')) AS bad FROM (
      SELECT player_lookup FROM ${PGS} UNION ALL SELECT player_lookup FROM ${ODDS} UNION ALL SELECT player_lookup FROM ${BETTINGPROS})`)
    expect(lookups.bad).toBe(0)
  })
})

describe('player_game_summary', () => {
  it('has 25-30 rows per game: every rostered player of both teams', async () => {
    const perGame = await q(`SELECT min(n) AS low, max(n) AS high, avg(n) AS mean FROM (
      SELECT game_id, count(*) AS n FROM ${PGS} GROUP BY game_id)`)
    expectBetween(perGame.low!, 25, 30, 'fewest rows in a game')
    expectBetween(perGame.high!, 25, 30, 'most rows in a game')
    expectBetween(perGame.mean!, 26.5, 29.5, 'mean rows per game')
  })

  it('marks 25-40% of rows DNP (6.5-11 per game) with NULL points and minutes and a reason', async () => {
    const dnp =
      await q(`SELECT avg(is_dnp::INTEGER) AS share, count(*) FILTER (WHERE is_dnp) / count(DISTINCT game_id) AS per_game,
        count(*) FILTER (WHERE is_dnp AND (points IS NOT NULL OR minutes_played IS NOT NULL OR dnp_reason IS NULL
          OR dnp_reason_category IS NULL)) AS bad,
        count(*) FILTER (WHERE NOT is_dnp AND (points IS NULL OR dnp_reason IS NOT NULL)) AS bad_played FROM ${PGS}`)
    expectBetween(dnp.share!, 0.25, 0.4, 'DNP share')
    expectBetween(dnp.per_game!, 6.5, 11, 'DNPs per game')
    expect(dnp).toMatchObject({ bad: 0, bad_played: 0 })
    const perDate =
      await q(`SELECT min(n) AS low, max(n) AS high FROM (SELECT game_date, count(*) FILTER (WHERE is_dnp) AS n FROM ${PGS}
      GROUP BY game_date HAVING count(DISTINCT game_id) >= 3)`)
    expectBetween(perDate.low!, 20, 200, 'DNPs on the lightest date with >= 3 games (A-10c)')
    expectBetween(perDate.high!, 20, 200, 'DNPs on the busiest date (A-10c)')
  })

  it('keeps zero-point rows at 6-12% of all rows overall and at most 15% on every date (A-10a)', async () => {
    const zeros = await q(`SELECT avg(coalesce(points = 0, FALSE)::INTEGER) AS share FROM ${PGS}`)
    expectBetween(zeros.share!, 0.06, 0.12, 'zero-point share of PGS rows')
    const worst =
      await q(`SELECT max(share) AS share FROM (SELECT avg(coalesce(points = 0, FALSE)::INTEGER) AS share FROM ${PGS}
      GROUP BY game_date)`)
    expectBetween(worst.share!, 0, 0.15, 'worst date zero-point share')
  })

  it('has minutes > 0 on at least 90% of played rows of every date (A-10d)', async () => {
    const minutes =
      await q(`SELECT min(share) AS worst FROM (SELECT avg((minutes_played > 0)::INTEGER) AS share FROM ${PGS}
      WHERE NOT is_dnp GROUP BY game_date)`)
    expectBetween(minutes.worst!, 0.9, 1, 'worst date share(minutes_played > 0)')
  })

  it('scores like the NBA: played rows mean 10-13, std 8.5-9.5, 30+ in 3-5%, 12-point scorers sd 4.5-6.5', async () => {
    const points = await q(`SELECT avg(points) AS mean, stddev_samp(points) AS sd, avg((points >= 30)::INTEGER) AS p30,
      avg((points < 10)::INTEGER) AS under10 FROM ${PGS} WHERE NOT is_dnp`)
    expectBetween(points.mean!, 10, 13, 'mean points of played rows')
    expectBetween(points.sd!, 8.5, 9.5, 'std of points of played rows')
    expectBetween(points.p30!, 0.03, 0.05, 'share of 30+ games')
    const spread = await q(`SELECT avg(sd) AS sd FROM (SELECT avg(points) AS m, stddev_samp(points) AS sd FROM ${PGS}
      WHERE NOT is_dnp AND season_year = 2024 GROUP BY player_lookup HAVING count(*) >= 30) WHERE m BETWEEN 10.5 AND 13.5`)
    expectBetween(spread.sd!, 4.5, 6.5, 'per-game sd of 12-point scorers')
  })

  it('fills shot zones that sum to FG attempts, NULL only for games without play-by-play (<= 3%)', async () => {
    const zones =
      await q(`SELECT count(*) FILTER (WHERE paint_attempts + mid_range_attempts + three_pt_attempts <> fg_attempts
        OR least(paint_attempts, mid_range_attempts, three_pt_attempts) < 0) AS bad,
        count(DISTINCT game_id) FILTER (WHERE fg_attempts IS NULL) / count(DISTINCT game_id) AS missing_games,
        count(*) FILTER (WHERE ft_makes > points) AS bad_ft FROM ${PGS} WHERE NOT is_dnp`)
    expect(zones).toMatchObject({ bad: 0, bad_ft: 0 })
    expectBetween(zones.missing_games!, 0.001, 0.03, 'share of games without play-by-play')
  })
})

describe('team_offense_game_summary', () => {
  it('derives wins from team points (no ties), team points mean 105-120, win pct sd >= 0.08', async () => {
    const games =
      await q(`SELECT count(*) FILTER (WHERE a.win_flag <> (a.points > b.points) OR a.points = b.points) AS bad,
        count(*) FILTER (WHERE a.points <> (SELECT sum(points) FROM ${PGS} p WHERE p.game_id = a.game_id AND p.team_abbr = a.team_abbr)) AS bad_sum,
        avg(a.points) AS mean_points FROM ${TEAM} a JOIN ${TEAM} b ON b.game_id = a.game_id AND b.team_abbr = a.opponent_team_abbr`)
    expect(games).toMatchObject({ bad: 0, bad_sum: 0 })
    expectBetween(games.mean_points!, 105, 120, 'team points per game')
    const spread = await q(`SELECT stddev_pop(wp) AS sd FROM (SELECT avg(win_flag::INTEGER) AS wp FROM ${TEAM}
      WHERE game_date < DATE '2025-04-15' GROUP BY team_abbr)`)
    expectBetween(spread.sd!, 0.08, 0.25, 'std of team win pct')
  })
})

describe('team offense', () => {
  /** `fn(column)` over a team's last `games` games; `alias` qualifies the team and date columns. */
  const rolling = (
    fn: string,
    games: number,
    alias = '',
  ) => `${fn} OVER (PARTITION BY ${alias}team_abbr ORDER BY ${alias}game_date
    ROWS BETWEEN ${games - 1} PRECEDING AND CURRENT ROW)`

  it('rates single games 112 +- 9.5-12 and teams 100-120, with 10-game means inside the A-16 range', async () => {
    const games = await q(`SELECT avg(offensive_rating) AS mean, stddev_samp(offensive_rating) AS sd FROM ${TEAM}`)
    expectBetween(games.mean!, 108, 116, 'mean single-game offensive rating')
    expectBetween(games.sd!, 9.5, 12, 'std of single-game offensive rating (NBA ≈ 11-12)')
    const teams =
      await q(`SELECT min(rating) AS low, max(rating) AS high FROM (SELECT avg(offensive_rating) AS rating FROM ${TEAM}
      GROUP BY team_abbr, year(game_date - INTERVAL 9 MONTH))`)
    expectBetween(teams.low!, 100, 112, 'lowest team-season offensive rating')
    expectBetween(teams.high!, 112, 120, 'highest team-season offensive rating')
    const windows =
      await q(`SELECT min(off_10) AS off_low, max(off_10) AS off_high, min(pace_10) AS pace_low, max(pace_10) AS pace_high
      FROM (SELECT ${rolling('avg(offensive_rating)', 10)} AS off_10, ${rolling('avg(pace)', 10)} AS pace_10,
        ${rolling('count(*)', 10)} AS n FROM ${TEAM})
      WHERE n = 10`)
    expectBetween(windows.off_low!, 92, 112, 'lowest 10-game offensive rating (team_off_rating, A-16 90-130)')
    expectBetween(windows.off_high!, 112, 128, 'highest 10-game offensive rating (team_off_rating, A-16 90-130)')
    expectBetween(windows.pace_low!, 93, 99, 'lowest 10-game pace (team_pace)')
    expectBetween(windows.pace_high!, 99, 106, 'highest 10-game pace (team_pace)')
  })

  it('keeps 15-game ratings allowed inside the A-16 range of opponent_def_rating', async () => {
    const allowed = await q(`SELECT min(def_15) AS low, max(def_15) AS high FROM (
      SELECT ${rolling('avg(b.offensive_rating)', 15, 'a.')} AS def_15, ${rolling('count(*)', 15, 'a.')} AS n
      FROM ${TEAM} a JOIN ${TEAM} b ON b.game_id = a.game_id AND b.team_abbr = a.opponent_team_abbr) WHERE n = 15`)
    expectBetween(allowed.low!, 92, 112, 'lowest 15-game rating allowed (opponent_def_rating, A-16 90-130)')
    expectBetween(allowed.high!, 112, 128, 'highest 15-game rating allowed (opponent_def_rating, A-16 90-130)')
  })
})

describe('props and lines', () => {
  it('offers points props to 13-16 players per game, DraftKings for >= 90% of them, 2-3 snapshots per book', async () => {
    const props = await q(`SELECT avg(players) AS per_game, avg(dk) AS dk_share, avg(snapshots) AS snapshots FROM (
      SELECT game_id, count(DISTINCT player_lookup) AS players,
        count(DISTINCT player_lookup) FILTER (WHERE bookmaker = 'DRAFTKINGS') / count(DISTINCT player_lookup) AS dk,
        count(*) / count(DISTINCT player_lookup || bookmaker) AS snapshots FROM ${ODDS} GROUP BY game_id)`)
    expectBetween(
      props.per_game!,
      13,
      16,
      "prop players per game: starters and rotation (DOMAIN's 40-50 cannot be players: 25-30 rostered)",
    )
    expectBetween(props.dk_share!, 0.9, 1, 'share of prop players with a DraftKings line')
    expectBetween(props.snapshots!, 2, 3, 'snapshots per player, game and book')
    const moves =
      await q(`SELECT avg((earliest >= 540 AND latest <= 90)::INTEGER) AS opening_and_current, avg((opening <> current)::INTEGER) AS moved
      FROM (SELECT max(minutes_before_tipoff) AS earliest, min(minutes_before_tipoff) AS latest,
        arg_min(points_line, snapshot_timestamp) AS opening, arg_max(points_line, snapshot_timestamp) AS current
        FROM ${ODDS} GROUP BY game_id, player_lookup, bookmaker)`)
    expect(moves.opening_and_current).toBe(1)
    expectBetween(moves.moved!, 0.2, 0.8, 'share of player-books whose line moved from opening to current')
  })

  it('puts lines on half points: prop lines mean 14-16, std 6.5-7.8, p5 5-8, p95 26-31', async () => {
    const lines = await q(
      `SELECT count(*) FILTER (WHERE points_line * 2 <> round(points_line * 2) OR points_line <= 0) AS off_grid FROM ${ODDS}`,
    )
    expect(lines.off_grid).toBe(0)
    const spread = await q(`SELECT avg(line) AS mean, stddev_samp(line) AS sd, quantile_cont(line, 0.05) AS p5,
      quantile_cont(line, 0.95) AS p95 FROM ${PROP_PLAYED}`)
    expectBetween(spread.mean!, 14, 16, 'mean prop line (DOMAIN 15.2)')
    expectBetween(spread.sd!, 6.5, 7.8, 'std of prop lines (DOMAIN 7.1)')
    expectBetween(spread.p5!, 5, 8, 'p5 of prop lines (DOMAIN 5.5)')
    expectBetween(spread.p95!, 26, 31, 'p95 of prop lines (DOMAIN 28.5)')
  })

  it('scores prop players like their lines (mean within 0.6, std 8.3-9.3) with a Vegas MAE of 4.8-5.3', async () => {
    const fit =
      await q(`SELECT avg(points) AS mean, avg(line) AS line_mean, stddev_samp(points) AS sd, avg(abs(line - points)) AS mae,
      avg((points >= 30)::INTEGER) AS p30 FROM ${PROP_PLAYED}`)
    expectBetween(fit.mean! - fit.line_mean!, -0.6, 0.6, 'mean points minus mean line')
    expectBetween(fit.sd!, 8.3, 9.3, "std of prop players' points")
    expectBetween(fit.p30!, 0.03, 0.09, 'share of 30+ games among prop players')
    expectBetween(fit.mae!, 4.8, 5.3, "Vegas MAE over prop players' played games")
  })

  it('has BettingPros for every prop player-game, incl. 3-8% the Odds API misses', async () => {
    const coverage =
      await q(`WITH bp AS (SELECT DISTINCT game_date, player_lookup FROM ${BETTINGPROS} WHERE market_type = 'points'),
      odds AS (SELECT DISTINCT game_date, player_lookup FROM ${ODDS})
      SELECT (SELECT count(*) FROM odds ANTI JOIN bp USING (game_date, player_lookup)) AS odds_only,
        (SELECT count(*) FROM bp ANTI JOIN odds USING (game_date, player_lookup)) / (SELECT count(*) FROM bp) AS bp_only_share`)
    expect(coverage.odds_only).toBe(0)
    expectBetween(coverage.bp_only_share!, 0.03, 0.08, 'share of BettingPros players missing from the Odds API')
  })

  it('holds rebounds and assists markets next to points; only points rows carry the points line', async () => {
    const markets = await rows(
      db.connection,
      `SELECT market_type, avg(points_line) AS mean, count(DISTINCT bookmaker) AS books,
      count(DISTINCT bet_side) AS sides FROM ${BETTINGPROS} GROUP BY market_type ORDER BY market_type`,
    )
    expect(markets.map((row) => row.market_type)).toEqual(['assists', 'points', 'rebounds'])
    const mean = new Map(markets.map((row) => [row.market_type, Number(row.mean)]))
    expect(mean.get('rebounds')!).toBeLessThan(0.6 * mean.get('points')!)
    expect(mean.get('assists')!).toBeLessThan(0.6 * mean.get('points')!)
    expect(markets.every((row) => row.books === 3 && row.sides === 2)).toBe(true)
    const consensus =
      await q(`SELECT avg(abs(b.points_line - c.current_points_line::DOUBLE)) AS gap FROM ${BETTINGPROS} b
      JOIN (SELECT DISTINCT game_date, player_lookup, current_points_line FROM ${UPGC} WHERE has_prop_line) c USING (game_date, player_lookup)
      WHERE b.market_type = 'points' AND b.bookmaker = 'BettingPros Consensus' AND b.bet_side = 'over'`)
    expectBetween(consensus.gap!, 0, 0.5, 'consensus points line vs context line')
  })
})

describe('injury report and upcoming context', () => {
  it('lists >= 80% of injury DNPs OUT/DOUBTFUL first, and some late scratches QUESTIONABLE/PROBABLE', async () => {
    const listing =
      await q(`WITH first_report AS (SELECT player_lookup, game_date, arg_min(injury_status, report_timestamp) AS status
        FROM nba_raw.nbac_injury_report GROUP BY ALL)
      SELECT avg((r.status IN ('OUT', 'DOUBTFUL'))::INTEGER) AS out_share,
        count(*) FILTER (WHERE r.status IN ('QUESTIONABLE', 'PROBABLE')) AS late_scratches
      FROM ${PGS} p JOIN first_report r USING (player_lookup, game_date) WHERE p.dnp_reason_category = 'injury'`)
    expectBetween(listing.out_share!, 0.8, 0.99, 'injury DNPs first listed OUT/DOUBTFUL')
    expect(listing.late_scratches).toBeGreaterThan(50)
  })

  it('has one row per rostered player of each team playing, plus ~2% re-run duplicates with equal values', async () => {
    const context = await q(`SELECT count(*) AS n, count(DISTINCT (player_lookup, game_id)) AS keys,
      count(DISTINCT (player_lookup, game_id, player_status, star_teammates_out, current_points_line, avg_usage_rate_last_7_games)) AS value_keys,
      count(*) / count(DISTINCT game_date) AS per_date FROM ${UPGC}`)
    expect(context.value_keys).toBe(context.keys)
    expectBetween(context.n! / context.keys! - 1, 0.01, 0.03, 're-run duplicate share')
    expectBetween(context.per_date!, 160, 220, 'context rows per date (DOMAIN says 420: needs ~28 players per team)')
    const roster = await q(`SELECT count(*) FILTER (WHERE n <> roster) AS bad FROM (
      SELECT c.game_id, c.team_abbr, count(DISTINCT c.player_lookup) AS n, any_value(r.roster) AS roster FROM ${UPGC} c
      JOIN (SELECT team_abbr, count(*) AS roster FROM nba_reference.player_registry GROUP BY ALL) r USING (team_abbr) GROUP BY ALL)`)
    expect(roster.bad).toBe(0)
  })

  it('has 15-20% back-to-backs, usage present on 50-60%, projected usage NULL, lower-case statuses', async () => {
    const context =
      await q(`SELECT avg(back_to_back::INTEGER) AS b2b, avg((avg_usage_rate_last_7_games IS NOT NULL)::INTEGER) AS usage,
      count(projected_usage_rate) AS projected, count(*) FILTER (WHERE back_to_back <> coalesce(days_rest = 1, FALSE)) AS b2b_mismatch,
      count(*) FILTER (WHERE player_status NOT IN ('available', 'probable', 'questionable', 'doubtful', 'out')) AS bad_status,
      count(*) FILTER (WHERE has_prop_line AND (current_points_line IS NULL OR opening_points_line IS NULL
        OR line_movement <> current_points_line - opening_points_line)) AS bad_lines FROM ${UPGC}`)
    expectBetween(context.b2b!, 0.15, 0.2, 'back_to_back share')
    expectBetween(context.usage!, 0.5, 0.6, 'avg_usage_rate_last_7_games present')
    expect(context).toMatchObject({ projected: 0, b2b_mismatch: 0, bad_status: 0, bad_lines: 0 })
  })
})

describe('signal beyond the line', () => {
  it('leaves star-teammates-out and opponent-defense effects the line only partly prices in', async () => {
    const games = await rows(db.connection, PROP_GAMES_SQL)
    const split = (season: number) => games.filter((row) => row.season_year === season && row.def_rating !== null)
    const features = (row: Record<string, unknown>) => {
      const line = Number(row.line)
      return [line, line * Number(row.stars_out), (line * (Number(row.def_rating) - 112)) / 10]
    }
    const train = split(2024)
    const test = split(2025)
    const beta = leastSquares(
      train.map(features),
      train.map((row) => Number(row.points)),
    )
    expect(beta[1]).toBeGreaterThan(0.03)
    expect(beta[2]).toBeGreaterThan(0.01)
    const actual = test.map((row) => Number(row.points))
    const adjusted = test.map((row) => features(row).reduce((sum, x, index) => sum + x * beta[index]!, 0))
    const lineMae = meanAbsoluteError(
      actual,
      test.map((row) => Number(row.line)),
    )
    expect(meanAbsoluteError(actual, adjusted)).toBeLessThan(lineMae - 0.02)
  })

  it('prices pre-game news into the line: a feature model beats Vegas with the line (MAE 4.2-4.7) and loses without it', async () => {
    const games = (await rows(db.connection, PROP_GAMES_SQL)).filter((row) => row.def_rating !== null)
    const value = (row: Record<string, unknown>, key: string) => Number(row[key])
    const features = (row: Record<string, unknown>) => {
      const level = (value(row, 'l10') + value(row, 'season_avg')) / 2
      return [
        1,
        value(row, 'l10'),
        value(row, 'l5'),
        value(row, 'season_avg'),
        value(row, 'm10'),
        value(row, 'stars_out'),
        level * value(row, 'stars_out'),
        (level * (value(row, 'def_rating') - 112)) / 10,
        level * value(row, 'b2b'),
        level * value(row, 'home'),
        value(row, 'b2b'),
        value(row, 'pace_diff'),
      ]
    }
    const withLine = (row: Record<string, unknown>) => [
      ...features(row),
      value(row, 'line'),
      value(row, 'line') - value(row, 'opening'),
      value(row, 'line') * value(row, 'stars_out'),
      (value(row, 'line') * (value(row, 'def_rating') - 112)) / 10,
    ]
    const train = games.filter((row) => row.season_year === 2024)
    const test = games.filter((row) => row.season_year === 2025)
    const actual = test.map((row) => value(row, 'points'))
    const testMae = (inputs: (row: Record<string, unknown>) => number[]) => {
      const beta = leastSquares(
        train.map(inputs),
        train.map((row) => value(row, 'points')),
      )
      return meanAbsoluteError(
        actual,
        test.map((row) => inputs(row).reduce((sum, x, index) => sum + x * beta[index]!, 0)),
      )
    }
    const vegasMae = meanAbsoluteError(
      actual,
      test.map((row) => value(row, 'line')),
    )
    const lineModelMae = testMae(withLine)
    expectBetween(lineModelMae, 4.2, 4.7, 'feature-model MAE on 2025-26, line included')
    expect(lineModelMae).toBeLessThan(vegasMae - 0.3)
    // Fed no line (incident I-1) the same model cannot know tonight's news and falls behind the book.
    expect(testMae(features)).toBeGreaterThan(vegasMae + 0.3)
  })
})

/**
 * The sportsbook: a good but imperfect estimate of each player's points, built from box scores of strictly
 * earlier games (ASOF joins), with only partial adjustments for what changes the hidden expectation.
 */

/** After-game running stats of every played game; ASOF-joined as "latest strictly before D". */
export function historySql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_hist AS
    SELECT s.pid, g.game_date, g.season_year,
      avg(s.points) OVER last10 AS l10,
      count(*) OVER career AS n_all,
      avg(s.points) OVER career AS career_avg,
      avg(s.points) OVER season AS season_avg,
      count(*) OVER season AS n_season,
      avg(s.minutes) OVER last10 AS minutes_l10,
      avg(s.usage_rate) OVER last7 AS usage_l7
    FROM w_stats s JOIN w_pg g ON g.pid = s.pid AND g.game_id = s.game_id
    WHERE s.minutes > 0
    WINDOW last10 AS (PARTITION BY s.pid ORDER BY g.game_date ROWS BETWEEN 9 PRECEDING AND CURRENT ROW),
      last7 AS (PARTITION BY s.pid ORDER BY g.game_date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW),
      career AS (PARTITION BY s.pid ORDER BY g.game_date ROWS UNBOUNDED PRECEDING),
      season AS (PARTITION BY s.pid, g.season_year ORDER BY g.game_date ROWS UNBOUNDED PRECEDING)`
}

function priorSql(): string {
  return `SELECT g.pid, g.game_id, g.game_date, g.team, g.slot, g.listing, g.stars_listed_out, g.is_dnp,
      p.player_lookup, p.base_minutes, p.reb_rate, p.ast_rate, t.opponent_defense, t.days_rest, t.tip_utc,
      p.expected_points * ps.drift * exp(0.12 * seed_n(g.pid, g.season_year, 'projection')) AS projection,
      h.l10, h.n_all, h.career_avg, h.minutes_l10, h.usage_l7, coalesce(e.news, 1.0) AS news,
      CASE WHEN h.season_year = g.season_year THEN h.season_avg END AS season_avg,
      CASE WHEN h.season_year = g.season_year THEN h.n_season ELSE 0 END AS n_season
    FROM w_pg g JOIN w_players p ON p.pid = g.pid JOIN w_tg t ON t.game_id = g.game_id AND t.team = g.team
    JOIN w_player_seasons ps ON ps.pid = g.pid AND ps.season_year = g.season_year
    LEFT JOIN w_expected e ON e.pid = g.pid AND e.game_id = g.game_id
    ASOF LEFT JOIN w_hist h ON h.pid = g.pid AND g.game_date > h.game_date`
}

/** How much of tonight's news (box-sql.ts NEWS) the current and the opening line price, as powers of `news`. */
export const NEWS_PRICED = { current: 0.95, opening: 0.25 } as const

/**
 * estimate = shrink(n) × (0.45 × last-10 avg + 0.55 × season avg shrunk to career) + (1 - shrink) × projection.
 * Line = estimate × news^0.95 × (30% of the star-out effect) × (35% of the opponent effect) × small rest effect
 * + noise (sd 1.4 + 0.09 × estimate). The opening line prices a quarter of the news (log scale), none of the
 * star-out effect, carries extra noise and stays within 11.5 points of the current line.
 * Props go to starters and rotation players (slots 0-8) expected to score 6+ (a 5.5 line, DOMAIN's p5) who are
 * not listed OUT/DOUBTFUL: every such starter, 95% of the rotation; ≈ 14 players a game.
 */
export function linesSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_lines AS
    WITH prior AS (${priorSql()}),
    estimated AS (
      SELECT *, CASE WHEN n_all IS NULL THEN projection
          ELSE (n_all / (n_all + 3.0)) * (0.45 * l10 + 0.55 * (coalesce(season_avg * n_season, 0) + 4.0 * career_avg) / (n_season + 4.0))
            + (3.0 / (n_all + 3.0)) * projection END AS estimate,
        seed_n(pid, game_date, 'book') AS book_z
      FROM prior
    ),
    priced AS (
      SELECT *,
        estimate * pow(news, ${NEWS_PRICED.current}) * (1.0 + 0.03 * least(stars_listed_out, 2)) * (1.0 + 0.35 * (opponent_defense - 1.0))
          * CASE WHEN days_rest = 1 AND slot <= 4 THEN 0.985 ELSE 1.0 END + 0.2 + (1.4 + 0.09 * estimate) * book_z AS line_raw,
        estimate * pow(news, ${NEWS_PRICED.opening}) * (1.0 + 0.35 * (opponent_defense - 1.0)) + 0.2 + (1.4 + 0.09 * estimate) * book_z
          + 0.8 * seed_n(pid, game_date, 'opening') AS opening_unbounded
      FROM estimated
    )
    SELECT * EXCLUDE (opening_unbounded),
      least(line_raw + 11.5, greatest(line_raw - 11.5, opening_unbounded)) AS opening_raw,
      slot <= 8 AND estimate * pow(news, ${NEWS_PRICED.current}) >= 6.0 AND coalesce(listing NOT IN ('OUT', 'DOUBTFUL'), TRUE)
        AND (slot <= 4 OR seed_u(pid, game_date, 'prop') < 0.95) AS has_prop,
      seed_u(pid, game_date, 'odds_api') >= 0.05 AS in_odds_api
    FROM priced`
}

const ODDS_BOOKS = `(VALUES ('DRAFTKINGS', 1, 0.95), ('FANDUEL', 2, 0.80), ('BETMGM', 3, 0.60)) AS b(bookmaker, book_rank, coverage)`
const SNAPSHOTS = `(VALUES ('opening', 540, 360), ('mid', 180, 120), ('current', 15, 75)) AS s(snapshot, minutes_base, minutes_span)`

/** Odds API: 2-3 snapshots per player × game × book; DraftKings for 95% (and whenever no other book has it). */
export function oddsSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_odds AS
    WITH offered AS (
      SELECT l.*, b.bookmaker, b.book_rank,
        CASE WHEN b.bookmaker = 'DRAFTKINGS' THEN 0.0 ELSE 0.5 * seed_n(l.pid, l.game_date, b.bookmaker) END AS book_shift
      FROM w_lines l CROSS JOIN ${ODDS_BOOKS}
      WHERE l.has_prop AND l.in_odds_api AND (seed_u(l.pid, l.game_date, b.bookmaker) < b.coverage
        OR (b.bookmaker = 'DRAFTKINGS' AND seed_u(l.pid, l.game_date, 'FANDUEL') >= 0.80 AND seed_u(l.pid, l.game_date, 'BETMGM') >= 0.60))
    )
    SELECT o.pid, o.game_id, o.game_date, o.player_lookup, o.bookmaker, o.book_rank, o.tip_utc, s.snapshot,
      (s.minutes_base + floor(seed_u(o.pid, o.game_date, o.bookmaker || s.snapshot) * s.minutes_span))::BIGINT AS minutes_before_tipoff,
      half_line(CASE s.snapshot WHEN 'opening' THEN o.opening_raw WHEN 'mid' THEN (o.opening_raw + o.line_raw) / 2.0
        ELSE o.line_raw END + o.book_shift)::DOUBLE AS points_line
    FROM offered o CROSS JOIN ${SNAPSHOTS}
    WHERE s.snapshot <> 'mid' OR seed_u(o.pid, o.game_date, o.bookmaker || ':mid') < 0.6`
}

export function oddsInsertSql(): string {
  return `INSERT INTO nba_raw.odds_api_player_points_props BY NAME
    SELECT game_id, game_date, player_lookup, tip_utc - to_minutes(minutes_before_tipoff) AS snapshot_timestamp,
      bookmaker, points_line, minutes_before_tipoff,
      tip_utc - to_minutes(minutes_before_tipoff) + INTERVAL 2 MINUTE AS created_at
    FROM w_odds ORDER BY game_date, game_id, player_lookup, bookmaker, minutes_before_tipoff DESC`
}

const BP_BOOKS = `(VALUES ('BettingPros Consensus', 1.0), ('BETMGM', 0.6), ('CAESARS', 0.55)) AS b(bookmaker, coverage)`
const BP_MARKETS = `(VALUES ('points', 1.0), ('rebounds', 0.85), ('assists', 0.8)) AS m(market_type, coverage)`

/** BettingPros: every prop player (incl. the 5% the Odds API misses), points plus rebounds/assists markets. */
export function bettingprosSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_bp AS
    WITH offers AS (
      SELECT l.*, b.bookmaker, m.market_type,
        coalesce(l.minutes_l10, l.base_minutes) AS minutes_guess,
        CASE WHEN b.bookmaker = 'BettingPros Consensus' THEN 0.0 ELSE 0.5 * seed_n(l.pid, l.game_date, b.bookmaker || ':bp') END AS book_shift
      FROM w_lines l CROSS JOIN ${BP_BOOKS} CROSS JOIN ${BP_MARKETS}
      WHERE l.has_prop AND seed_u(l.pid, l.game_date, b.bookmaker || ':bp') < b.coverage
        AND seed_u(l.pid, l.game_date, m.market_type || ':bp') < m.coverage
    )
    SELECT pid, game_id, game_date, player_lookup, market_type, bookmaker,
      half_line(CASE market_type WHEN 'points' THEN line_raw + book_shift
        WHEN 'rebounds' THEN minutes_guess * reb_rate + 0.8 * seed_n(pid, game_date, 'rebounds')
        ELSE minutes_guess * ast_rate + 0.7 * seed_n(pid, game_date, 'assists') END)::DOUBLE AS points_line,
      half_line(CASE market_type WHEN 'points' THEN opening_raw + book_shift
        WHEN 'rebounds' THEN minutes_guess * reb_rate + 0.8 * seed_n(pid, game_date, 'rebounds_open')
        ELSE minutes_guess * ast_rate + 0.7 * seed_n(pid, game_date, 'assists_open') END)::DOUBLE AS opening_line,
      tip_utc - to_minutes((60 + floor(seed_u(pid, game_date, bookmaker || market_type) * 120))::BIGINT) AS created_at
    FROM offers`
}

export function bettingprosInsertSql(): string {
  return `INSERT INTO nba_raw.bettingpros_player_points_props BY NAME
    SELECT b.game_date, b.player_lookup, b.market_type, b.bookmaker, s.bet_side, b.points_line, b.opening_line, b.created_at
    FROM w_bp b CROSS JOIN (VALUES ('over'), ('under')) AS s(bet_side)
    ORDER BY b.game_date, b.player_lookup, b.market_type, b.bookmaker, s.bet_side`
}

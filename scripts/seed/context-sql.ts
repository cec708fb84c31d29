/** The injury report and the upcoming player-game context (what is known before tip-off). */

function injuryReasonSql(): string {
  return `CASE g.dnp_kind WHEN 'rest' THEN 'Rest' WHEN 'personal' THEN 'Personal Reasons'
      WHEN 'g_league' THEN 'G League - Two-Way' ELSE g.ailment END`
}

/**
 * Early game-day report (tip - 6 h) for every listed player; updates near tip-off: half of the late
 * scratches are moved to OUT 40 min before tip, a third of listed players who play are cleared (AVAILABLE).
 */
export function injuryReportInsertSql(): string {
  return `INSERT INTO nba_raw.nbac_injury_report BY NAME
    WITH listed AS (
      SELECT g.*, p.player_lookup, t.tip_utc, ${injuryReasonSql()} AS reason
      FROM w_pg g JOIN w_players p ON p.pid = g.pid JOIN w_tg t ON t.game_id = g.game_id AND t.team = g.team
      WHERE g.listing IS NOT NULL
    ),
    reports AS (
      SELECT player_lookup, game_date, tip_utc - INTERVAL 6 HOUR AS report_timestamp, listing AS injury_status, reason FROM listed
      UNION ALL
      SELECT player_lookup, game_date, tip_utc - INTERVAL 40 MINUTE, 'OUT', reason FROM listed
      WHERE dnp_kind = 'late_scratch' AND seed_u(pid, game_date, 'scratch_update') < 0.5
      UNION ALL
      SELECT player_lookup, game_date, tip_utc - INTERVAL 90 MINUTE, 'AVAILABLE', reason FROM listed
      WHERE dnp_kind IS NULL AND seed_u(pid, game_date, 'cleared') < 0.35
    )
    SELECT *, report_timestamp + INTERVAL 3 MINUTE AS created_at FROM reports
    ORDER BY game_date, player_lookup, report_timestamp`
}

/** Context lines: Odds API DraftKings first (then FanDuel, BetMGM), else the BettingPros consensus. */
export function contextLinesSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_context_lines AS
    WITH odds AS (
      SELECT pid, game_id,
        arg_min(points_line, book_rank * 100000 + minutes_before_tipoff) AS current_line,
        arg_min(points_line, book_rank * 100000 - minutes_before_tipoff) AS opening_line
      FROM w_odds GROUP BY pid, game_id
    ),
    consensus AS (
      SELECT pid, game_id, any_value(points_line) AS current_line, any_value(opening_line) AS opening_line
      FROM w_bp WHERE market_type = 'points' AND bookmaker = 'BettingPros Consensus' GROUP BY pid, game_id
    )
    SELECT pid, game_id, coalesce(o.current_line, c.current_line) AS current_line,
      coalesce(o.opening_line, c.opening_line) AS opening_line
    FROM odds o FULL JOIN consensus c USING (pid, game_id)`
}

function teamPaceSql(): string {
  return `SELECT team_abbr, game_date,
      avg(pace) OVER (PARTITION BY team_abbr ORDER BY game_date ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS pace_l10
    FROM nba_analytics.team_offense_game_summary`
}

function contextRowsSql(): string {
  return `SELECT p.player_lookup, p.player_lookup || '_' || p.debut_year AS universal_player_id, g.game_id, g.game_date,
      g.team AS team_abbr, t.opponent AS opponent_team_abbr, t.is_home AS home_game, coalesce(t.days_rest = 1, FALSE) AS back_to_back,
      t.season_phase, t.days_rest, t.opponent_days_rest, coalesce(lower(g.listing), 'available') AS player_status,
      round(tp.pace_l10 - op.pace_l10, 2) AS pace_differential, NULL::DOUBLE AS projected_usage_rate,
      CASE WHEN seed_u(g.pid, g.game_date, 'usage_loaded') < 0.57 THEN round(h.usage_l7, 2) END AS avg_usage_rate_last_7_games,
      g.stars_listed_out AS star_teammates_out, l.current_line IS NOT NULL AS has_prop_line,
      l.current_line AS current_points_line, l.opening_line AS opening_points_line,
      l.current_line - l.opening_line AS line_movement,
      t.tip_utc - INTERVAL 5 HOUR + to_seconds(floor(seed_u(g.pid, g.game_date, 'context_created') * 1800)::BIGINT) AS created_at,
      seed_u(g.pid, g.game_date, 'rerun') < 0.02 AS is_rerun
    FROM w_pg g JOIN w_players p ON p.pid = g.pid JOIN w_tg t ON t.game_id = g.game_id AND t.team = g.team
    LEFT JOIN w_context_lines l ON l.pid = g.pid AND l.game_id = g.game_id
    ASOF LEFT JOIN w_hist h ON h.pid = g.pid AND g.game_date > h.game_date
    ASOF LEFT JOIN team_pace tp ON tp.team_abbr = g.team AND g.game_date > tp.game_date
    ASOF LEFT JOIN team_pace op ON op.team_abbr = t.opponent AND g.game_date > op.game_date`
}

/** Every rostered player of every team playing on each date; ~2% re-run duplicates, 2 h later, same values. */
export function upcomingContextInsertSql(): string {
  return `INSERT INTO nba_analytics.upcoming_player_game_context BY NAME
    WITH team_pace AS (${teamPaceSql()}),
    rows AS (${contextRowsSql()})
    SELECT * EXCLUDE (is_rerun) FROM rows
    UNION ALL BY NAME
    SELECT * EXCLUDE (is_rerun, created_at), created_at + INTERVAL 2 HOUR AS created_at FROM rows WHERE is_rerun
    ORDER BY game_date, game_id, team_abbr, player_lookup, created_at`
}

/** Box scores: minutes, points (the hidden model), shot zones, usage; then PGS and team-game summaries. */

/**
 * Raw minutes = role × back-to-back × schedule load × playoff rotation × lognormal noise, then scaled so a
 * team's played minutes sum to 240: absent teammates' minutes flow to the players who play. A soft cap
 * above 38 minutes keeps heavy-injury nights realistic (team totals may then fall a little short of 240).
 */
export function minutesSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_minutes AS
    WITH raw AS (
      SELECT g.pid, g.game_id, g.team,
        exact(p.base_minutes
          * CASE WHEN t.days_rest = 1 THEN (CASE WHEN p.slot <= 4 THEN 0.93 WHEN p.slot <= 8 THEN 1.0 ELSE 1.15 END) ELSE 1.0 END
          * CASE WHEN t.games_in_7 >= 4 AND p.slot <= 4 THEN 0.96 ELSE 1.0 END
          * CASE WHEN t.season_phase = 'playoffs' THEN (CASE WHEN p.slot <= 4 THEN 1.1 WHEN p.slot <= 8 THEN 0.95 ELSE 0.75 END) ELSE 1.0 END
          * exp(CASE WHEN p.slot <= 8 THEN 0.10 ELSE 0.65 END * seed_n(g.pid, g.game_date, 'minutes'))) AS raw_minutes
      FROM w_pg g JOIN w_players p ON p.pid = g.pid JOIN w_tg t ON t.game_id = g.game_id AND t.team = g.team
      WHERE NOT g.is_dnp AND t.game_status = 'Final'
    ),
    scaled AS (SELECT pid, game_id, (raw_minutes * 240 / sum(raw_minutes) OVER (PARTITION BY game_id, team))::DOUBLE AS minutes FROM raw)
    SELECT pid, game_id, CASE WHEN minutes > 38 THEN least(46.0, 38 + 0.4 * (minutes - 38)) ELSE minutes END AS minutes
    FROM scaled`
}

/** Pre-game news (see expectedPointsSql): share of player-games it touches and its log-scale spread. */
export const NEWS = { share: 0.55, logSd: 0.45 } as const

/**
 * Expected points μ = minutes × scoring rate (season drift, in-season trend) × usage (stars out, depth)
 * × opponent defense × the team's possessions / 99 × home court (±1.5%) × playoff defense (0.95, which offsets
 * the tighter playoff rotation) × pre-game news. Points ~ Gamma(shape μ/1.7, scale 1.7) via Wilson-Hilferty (pointsSql).
 *
 * News is what the box scores cannot know before tip-off and the sportsbook does: a role, matchup or minutes
 * note for tonight only. On NEWS.share of player-games μ is multiplied by a lognormal factor (log-sd
 * NEWS.logSd), then the team's μ is rescaled to its total before news (a bigger role for one player is
 * taken from teammates). The ratio μ after / before news is `news`; the current line prices nearly all of it,
 * the opening line a quarter (market-sql.ts). It is why a model fed no line loses to the line (incident I-1).
 */
export function expectedPointsSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_expected AS
    WITH base AS (
      SELECT g.pid, g.game_id, g.team, g.game_date, m.minutes, p.slot,
        1.0 + 0.10 * least(g.stars_out, 2) + 0.025 * least(g.rotation_out, 4) AS usage_mult,
        exact(greatest(0.05, m.minutes * p.base_rate
          * ps.drift * (1.0 + 0.16 * ps.trend_z * (t.team_game_no / 82.0 - 0.5))
          * (1.0 + 0.10 * least(g.stars_out, 2) + 0.025 * least(g.rotation_out, 4))
          * t.opponent_defense
          * (t.game_pace / 99.0)
          * CASE WHEN t.is_home THEN 1.015 ELSE 0.985 END
          * CASE WHEN t.season_phase = 'playoffs' THEN 0.95 ELSE 1.0 END)) AS mu_base,
        exact(CASE WHEN seed_u(g.pid, g.game_date, 'news') < ${NEWS.share}
          THEN exp(${NEWS.logSd} * seed_n(g.pid, g.game_date, 'news_size')) ELSE 1.0 END) AS news_raw
      FROM w_pg g JOIN w_minutes m ON m.pid = g.pid AND m.game_id = g.game_id
      JOIN w_players p ON p.pid = g.pid JOIN w_tg t ON t.game_id = g.game_id AND t.team = g.team
      JOIN w_player_seasons ps ON ps.pid = g.pid AND ps.season_year = g.season_year
    ),
    rescaled AS (
      SELECT *, (news_raw * sum(mu_base) OVER team_game / sum(mu_base * news_raw) OVER team_game)::DOUBLE AS news
      FROM base WINDOW team_game AS (PARTITION BY game_id, team)
    )
    SELECT pid, game_id, team, game_date, minutes, slot, usage_mult, news, mu_base::DOUBLE * news AS mu FROM rescaled`
}

/**
 * Teammates share shots: half of a team's total deviation from its expected total is taken back from its
 * players in proportion to their expected points (a 12-point scorer keeps sd ≈ 6 with news, team points sd ≈ 11 instead of
 * ≈ 14 for independent draws). No one scores more than 1.45 points a minute (short garbage-time stints).
 */
export function pointsSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_points AS
    WITH drawn AS (
      SELECT *, mu / 1.7 AS shape, seed_n(pid, game_date, 'points') AS z,
        seed_u(pid, game_date, 'zero_minutes') < CASE WHEN slot >= 9 THEN 0.015 ELSE 0 END AS zero_minutes
      FROM w_expected
    ),
    raw AS (
      SELECT *, exact(mu) AS mu_exact, CASE WHEN zero_minutes THEN 0.0 ELSE minutes END AS played_minutes,
        CASE WHEN zero_minutes THEN 0 ELSE exact(mu * pow(greatest(0.0, 1.0 - 1.0 / (9.0 * shape) + z / (3.0 * sqrt(shape))), 3)) END AS draw
      FROM drawn
    ),
    team AS (
      SELECT *, sum(draw) OVER team_game AS draw_sum, sum(mu_exact) OVER team_game AS mu_sum
      FROM raw WINDOW team_game AS (PARTITION BY game_id, team)
    )
    SELECT pid, game_id, team, game_date, usage_mult, mu, played_minutes AS minutes,
      least(floor(1.45 * round(played_minutes, 1)),
        round(greatest(0.0, draw::DOUBLE - 0.5 * (draw_sum - mu_sum)::DOUBLE * mu_exact::DOUBLE / mu_sum::DOUBLE)))::BIGINT AS points
    FROM team`
}

/** Ties go to overtime: a few extra points for each side's heaviest-minute player, home and away different. */
export function overtimeSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_box AS
    WITH totals AS (SELECT game_id, team, sum(points) AS team_points FROM w_points GROUP BY ALL),
    ties AS (
      SELECT a.game_id, a.team, 4 + floor(seed_u(a.game_id, a.team, 'overtime') * 7)::BIGINT AS extra
      FROM totals a JOIN totals b ON a.game_id = b.game_id AND a.team <> b.team
      WHERE a.team_points = b.team_points
    ),
    fixed AS (
      SELECT game_id, team, CASE WHEN team = min(team) OVER (PARTITION BY game_id) AND extra = max(extra) OVER (PARTITION BY game_id)
        AND extra = min(extra) OVER (PARTITION BY game_id) THEN extra + 2 ELSE extra END AS extra
      FROM ties
    ),
    ranked AS (
      SELECT *, row_number() OVER (PARTITION BY game_id, team ORDER BY minutes DESC, pid) AS minutes_rank FROM w_points
    )
    SELECT r.pid, r.game_id, r.team, r.usage_mult, r.mu, r.minutes,
      r.points + CASE WHEN r.minutes_rank = 1 THEN coalesce(f.extra, 0) ELSE 0 END AS points
    FROM ranked r LEFT JOIN fixed f ON f.game_id = r.game_id AND f.team = r.team`
}

function shotColumnsSql(): string {
  return `least(b.points, round(b.points * p.ft_share * exp(0.35 * seed_n(b.pid, g.game_date, 'ft'))))::BIGINT AS ft_makes,
      seed_u(b.game_id, 0, 'play_by_play') < 0.015 AS pbp_missing,
      CASE WHEN b.minutes = 0 THEN 0
        ELSE greatest(0, round(b.points * 0.78 + 1.2 * seed_n(b.pid, g.game_date, 'fga') + 0.03 * b.minutes)) END::BIGINT AS fga_raw,
      exp(0.25 * seed_n(b.pid, g.game_date, 'paint')) * p.paint_share AS paint_share,
      exp(0.25 * seed_n(b.pid, g.game_date, 'three')) * p.three_share AS three_share`
}

export function boxStatsSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_stats AS
    WITH base AS (
      SELECT b.pid, b.game_id, b.points, b.minutes, ${shotColumnsSql()},
        round(p.usage_base * b.usage_mult * exp(0.1 * seed_n(b.pid, g.game_date, 'usage')), 1) AS usage_rate
      FROM w_box b JOIN w_players p ON p.pid = b.pid JOIN w_pg g ON g.pid = b.pid AND g.game_id = b.game_id
    ),
    attempts AS (
      SELECT *, greatest(fga_raw, ceil((points - ft_makes) / 3.0)::BIGINT) AS fga FROM base
    ),
    zones AS (
      SELECT *, least(fga, round(fga * paint_share))::BIGINT AS paint FROM attempts
    )
    SELECT pid, game_id, points, minutes, ft_makes, usage_rate, pbp_missing, fga,
      paint, least(fga - paint, round(fga * three_share))::BIGINT AS three
    FROM zones`
}

export function playerGameSummaryInsertSql(): string {
  return `INSERT INTO nba_analytics.player_game_summary BY NAME
    SELECT p.player_lookup, p.player_lookup || '_' || p.debut_year AS universal_player_id, g.game_id, g.game_date,
      g.team AS team_abbr, t.opponent AS opponent_team_abbr, g.season_year, s.points, s.minutes AS minutes_played,
      s.ft_makes, CASE WHEN NOT s.pbp_missing THEN s.fga END AS fg_attempts,
      CASE WHEN NOT s.pbp_missing THEN s.paint END AS paint_attempts,
      CASE WHEN NOT s.pbp_missing THEN s.fga - s.paint - s.three END AS mid_range_attempts,
      CASE WHEN NOT s.pbp_missing THEN s.three END AS three_pt_attempts,
      s.usage_rate, g.is_dnp,
      CASE g.dnp_kind WHEN 'injury' THEN 'Injury/Illness - ' || g.ailment WHEN 'late_scratch' THEN 'Injury/Illness - ' || g.ailment
        WHEN 'rest' THEN 'Rest' WHEN 'personal' THEN 'Personal Reasons' WHEN 'g_league' THEN 'G League - Two-Way'
        WHEN 'coach_decision' THEN 'DNP - Coach''s Decision' END AS dnp_reason,
      CASE WHEN g.dnp_kind = 'late_scratch' THEN 'injury' ELSE g.dnp_kind END AS dnp_reason_category,
      g.game_date + INTERVAL 34 HOUR + to_seconds(floor(seed_u(g.game_id, 0, 'pgs_created') * 3600)::BIGINT) AS created_at
    FROM w_pg g JOIN w_players p ON p.pid = g.pid JOIN w_tg t ON t.game_id = g.game_id AND t.team = g.team
    LEFT JOIN w_stats s ON s.pid = g.pid AND s.game_id = g.game_id
    WHERE t.game_status = 'Final'
    ORDER BY g.game_date, g.game_id, g.team, p.slot`
}

export function teamOffenseInsertSql(): string {
  return `INSERT INTO nba_analytics.team_offense_game_summary BY NAME
    WITH totals AS (SELECT game_id, team, sum(points)::BIGINT AS points FROM w_box GROUP BY ALL),
    games AS (SELECT * FROM w_tg WHERE game_status = 'Final')
    SELECT g.team AS team_abbr, g.game_date, g.game_id, g.opponent AS opponent_team_abbr, a.points > b.points AS win_flag,
      a.points, g.game_pace AS pace, round(a.points * 100.0 / g.game_pace, 1) AS offensive_rating,
      g.game_date + INTERVAL 34 HOUR + to_seconds(floor(seed_u(g.game_id, 0, 'pgs_created') * 3600)::BIGINT) AS created_at
    FROM games g JOIN totals a ON a.game_id = g.game_id AND a.team = g.team
    JOIN totals b ON b.game_id = g.game_id AND b.team = g.opponent
    ORDER BY g.game_date, g.game_id, g.team`
}

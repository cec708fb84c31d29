/** Schedule rows, team-games (rest, load, opponent) and player-games with availability (DNP model). */
import { INJURY_REASONS, MINOR_AILMENTS, sqlList } from './names.js'
import type { ScheduledGame } from './schedule.js'

export interface ScheduleWindow {
  /** First season year kept. */
  readonly firstSeason: number
  /** Last season year kept (the one containing `through`). */
  readonly lastSeason: number
  /** Last date with final box scores (YYYY-MM-DD). */
  readonly through: string
}

export function scheduleStagingSql(games: readonly ScheduledGame[]): string {
  // One text literal split in SQL: a VALUES list of every game (2,700 rows for two seasons) took DuckDB
  // about 0.2 s to parse and bind, this a few milliseconds. No field holds ',' or ';' (ids, dates, tricodes).
  const rows = games.map((g) =>
    [g.gameId, g.gameDate, g.homeTeam, g.awayTeam, g.seasonYear, g.seasonPhase, g.tipUtc].join(','),
  )
  return `CREATE OR REPLACE TEMP TABLE w_schedule_all AS
    SELECT f[1] AS game_id, CAST(f[2] AS DATE) AS game_date, f[3] AS home_team, f[4] AS away_team,
      CAST(f[5] AS INTEGER) AS season_year, f[6] AS season_phase, CAST(f[7] AS TIMESTAMP) AS tip_utc
    FROM (SELECT string_split(line, ',') AS f FROM unnest(string_split('${rows.join(';')}', ';')) AS t(line)) AS s`
}

/** Games up to `through` are Final; the next game date after it is the Scheduled slate ("today"). */
export function scheduleSql(window: ScheduleWindow): string {
  return `CREATE OR REPLACE TEMP TABLE w_schedule AS
    WITH scoped AS (
      SELECT * FROM w_schedule_all WHERE season_year BETWEEN ${window.firstSeason} AND ${window.lastSeason}
    ),
    next_slate AS (SELECT min(game_date) AS slate_date FROM scoped WHERE game_date > DATE '${window.through}')
    SELECT s.*, CASE WHEN s.game_date <= DATE '${window.through}' THEN 'Final' ELSE 'Scheduled' END AS game_status
    FROM scoped s, next_slate n
    WHERE s.game_date <= DATE '${window.through}' OR s.game_date = n.slate_date`
}

export function scheduleInsertSql(): string {
  return `INSERT INTO nba_reference.nba_schedule BY NAME
    SELECT game_id, game_date, home_team AS home_team_tricode, away_team AS away_team_tricode, game_status,
      season_year, season_phase, make_timestamp(season_year, 8, 15, 16, 0, 0) AS created_at
    FROM w_schedule ORDER BY game_date, game_id`
}

/**
 * One row per team per game, with rest days, schedule load, both teams' season-level pace and defense, and the
 * team's possessions per 48 minutes in this game (`game_pace`): the game's tempo (both teams' paces, sd 2) plus
 * the team's own share (sd 1.5: offensive rebounds and turnovers), so its points scale with its possessions.
 */
export function teamGamesSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_tg AS
    WITH sides AS (
      SELECT game_id, game_date, season_year, season_phase, game_status, tip_utc, home_team AS team, away_team AS opponent,
        TRUE AS is_home FROM w_schedule
      UNION ALL
      SELECT game_id, game_date, season_year, season_phase, game_status, tip_utc, away_team, home_team, FALSE FROM w_schedule
    ),
    rest AS (
      SELECT *,
        row_number() OVER (PARTITION BY team, season_year ORDER BY game_date) AS team_game_no,
        date_diff('day', lag(game_date) OVER (PARTITION BY team, season_year ORDER BY game_date), game_date) AS days_rest,
        count(*) OVER (PARTITION BY team ORDER BY game_date RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW) AS games_in_7
      FROM sides
    ),
    seasonal AS (
      SELECT team, season_year,
        pace_base + 0.8 * seed_n(team, season_year, 'pace') AS pace,
        defense_factor * exp(0.015 * seed_n(team, season_year, 'defense')) AS defense
      FROM w_teams, (SELECT DISTINCT season_year FROM w_schedule)
    )
    SELECT r.*, o.days_rest AS opponent_days_rest, ts.pace AS team_pace, os.pace AS opponent_pace, os.defense AS opponent_defense,
      round((ts.pace + os.pace) / 2.0 + 2.0 * seed_n(r.game_id, 0, 'pace') + 1.5 * seed_n(r.game_id, r.team, 'possessions'), 1) AS game_pace
    FROM rest r
    JOIN rest o ON o.game_id = r.game_id AND o.team = r.opponent
    JOIN seasonal ts ON ts.team = r.team AND ts.season_year = r.season_year
    JOIN seasonal os ON os.team = r.opponent AND os.season_year = r.season_year`
}

/**
 * Injury spells: a spell starts with probability injury_rate per game and lasts a geometric number of games
 * (12% are long, 8-25 games); a running max of spell ends over earlier games marks the games missed.
 */
function spellsSql(): string {
  return `draws AS (
      SELECT p.pid, p.team, p.slot, p.is_star, p.age_2024, p.coach_dnp_prob, g.game_id, g.game_date, g.season_year,
        g.season_phase, g.days_rest,
        row_number() OVER (PARTITION BY p.pid, g.season_year ORDER BY g.game_date) AS seq,
        seed_u(p.pid, g.game_date, 'injury_start') < p.injury_rate AS injury_start,
        CASE WHEN seed_u(p.pid, g.game_date, 'injury_long') < 0.12 THEN 8 + floor(seed_u(p.pid, g.game_date, 'injury_len') * 18)
          ELSE 1 + floor(-ln(1 - seed_u(p.pid, g.game_date, 'injury_len')) * 2.2) END::BIGINT AS injury_len
      FROM w_players p JOIN w_tg g ON g.team = p.team
    ),
    spells AS (
      SELECT *, coalesce(max(CASE WHEN injury_start THEN seq + injury_len END) OVER w > seq, FALSE) AS in_spell,
        max(CASE WHEN injury_start THEN seq END) OVER w AS spell_start
      FROM draws WINDOW w AS (PARTITION BY pid, season_year ORDER BY seq ROWS UNBOUNDED PRECEDING)
    )`
}

/** Absences decided before the coach picks the rotation (injury, late scratch, rest, personal, G League). */
function absenceKindSql(): string {
  return `CASE
      WHEN in_spell THEN 'injury'
      WHEN slot <= 8 AND seed_u(pid, game_date, 'scratch') < 0.012 THEN 'late_scratch'
      WHEN season_phase = 'regular_season' AND days_rest = 1 AND (is_star OR (age_2024 >= 32 AND slot <= 4))
        AND seed_u(pid, game_date, 'rest') < 0.14 THEN 'rest'
      WHEN seed_u(pid, game_date, 'personal') < 0.003 THEN 'personal'
      WHEN slot >= 12 AND age_2024 <= 23 AND season_phase = 'regular_season' AND seed_u(pid, game_date, 'gleague') < 0.3 THEN 'g_league'
    END`
}

/** Coach's decisions: mostly the bench, more in the playoffs, fewer when rotation players are absent. */
function coachDecisionSql(): string {
  return `CASE WHEN seed_u(pid, game_date, 'coach')
      < (coach_dnp_prob + CASE WHEN season_phase = 'playoffs' AND slot >= 8 THEN 0.45 ELSE 0 END)
        * greatest(0.3, 1.0 - 0.12 * rotation_absent) THEN 'coach_decision' END`
}

/** Pre-game injury-report status: the early report of game day (NULL = not listed). */
function listingSql(): string {
  return `CASE
      WHEN dnp_kind = 'injury' THEN CASE WHEN seed_u(pid, game_date, 'listing') < 0.85 THEN 'OUT' ELSE 'DOUBTFUL' END
      WHEN dnp_kind = 'late_scratch' THEN CASE WHEN seed_u(pid, game_date, 'listing') < 0.7 THEN 'QUESTIONABLE' ELSE 'PROBABLE' END
      WHEN dnp_kind IN ('rest', 'g_league') THEN 'OUT'
      WHEN dnp_kind = 'personal' AND seed_u(pid, game_date, 'listing') < 0.6 THEN 'OUT'
      WHEN dnp_kind IS NULL AND slot <= 10 AND seed_u(pid, game_date, 'minor') < 0.05 THEN
        CASE WHEN seed_u(pid, game_date, 'listing') < 0.45 THEN 'QUESTIONABLE' ELSE 'PROBABLE' END
    END`
}

/** Player-games: availability, DNP reason, pre-game listing and the teammates-out counts. */
export function playerGamesSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_pg AS
    WITH ${spellsSql()},
    absences AS (SELECT *, ${absenceKindSql()} AS absence_kind FROM spells),
    depth AS (
      SELECT *, count(*) FILTER (WHERE absence_kind IS NOT NULL AND slot <= 8) OVER (PARTITION BY game_id, team) AS rotation_absent
      FROM absences
    ),
    kinds AS (SELECT *, coalesce(absence_kind, ${coachDecisionSql()}) AS dnp_kind FROM depth),
    listed AS (
      SELECT *, ${listingSql()} AS listing,
        CASE WHEN dnp_kind = 'injury' THEN seed_pick(${sqlList(INJURY_REASONS)}, pid, season_year * 1000 + spell_start, 'reason')
          ELSE seed_pick(${sqlList(MINOR_AILMENTS)}, pid, game_date, 'ailment') END AS ailment
      FROM kinds
    ),
    flagged AS (
      SELECT *, coalesce(dnp_kind IN ('injury', 'late_scratch', 'rest', 'personal'), FALSE) AS is_absent,
        coalesce(listing IN ('OUT', 'DOUBTFUL'), FALSE) AS is_listed_out
      FROM listed
    )
    SELECT f.*, dnp_kind IS NOT NULL AS is_dnp,
      count(*) FILTER (WHERE is_star AND is_absent) OVER team_game - (is_star AND is_absent)::INTEGER AS stars_out,
      count(*) FILTER (WHERE is_star AND is_listed_out) OVER team_game - (is_star AND is_listed_out)::INTEGER AS stars_listed_out,
      count(*) FILTER (WHERE slot <= 8 AND NOT is_star AND is_absent) OVER team_game
        - (slot <= 8 AND NOT is_star AND is_absent)::INTEGER AS rotation_out
    FROM flagged f
    WINDOW team_game AS (PARTITION BY game_id, team)`
}

/** Teams, players (latent traits) and the player registry. */
import { FIRST_NAMES, LAST_NAMES, NAME_SUFFIXES, TEAMS, sqlList } from './names.js'

const TEAM_VALUES = TEAMS.map((team, index) => `('${team.tricode}', '${team.conference}', ${index})`).join(', ')

/** A team's place in the league on one trait: evenly spaced in [-1, 1] by a seeded shuffle (no outliers). */
function leagueSpreadSql(salt: string): string {
  return `(2.0 * (row_number() OVER (ORDER BY seed_u(tricode, 0, '${salt}'), tricode) - 0.5) / ${TEAMS.length} - 1.0)`
}

/**
 * Per team: offense multiplier on player scoring rates (±3.5%), defense factor on opponents' points (about ±6%,
 * better for better offenses, as good teams tend to be good at both ends) and pace (99 ± 3.5), spread evenly over
 * the league rather than drawn, so no outlier team: offensive ratings ≈ 104-118, win pct sd ≈ 0.17 as in the NBA.
 */
export function teamsSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_teams AS
    SELECT tricode AS team, conference, team_index,
      13 + floor(seed_u(tricode, 0, 'roster') * 3)::BIGINT AS roster_size,
      exp(0.035 * ${leagueSpreadSql('offense')}) AS offense_mult,
      exp(0.055 * (0.85 * ${leagueSpreadSql('defense')} - 0.7 * ${leagueSpreadSql('offense')})) AS defense_factor,
      99.0 + 3.5 * ${leagueSpreadSql('pace')} AS pace_base
    FROM (VALUES ${TEAM_VALUES}) AS t(tricode, conference, team_index)`
}

// Slot = depth-chart position: 0 the franchise star, 1-4 starters, 5-8 rotation, 9+ bench.
const SLOT_MINUTES = '[34.5, 32.5, 30.5, 29.0, 27.5, 23.0, 21.0, 19.0, 16.5, 9.0, 8.0, 7.0, 6.0, 5.0, 4.5]'
const SLOT_RATE = '[0.63, 0.55, 0.47, 0.43, 0.41, 0.40, 0.38, 0.36, 0.33, 0.14, 0.13, 0.13, 0.13, 0.13, 0.13]'
const SLOT_COACH_DNP = '[0.002, 0.002, 0.003, 0.003, 0.004, 0.02, 0.03, 0.05, 0.10, 0.34, 0.48, 0.58, 0.68, 0.75, 0.80]'

function playerTraitsSql(): string {
  return `SELECT t.team, s.slot, t.team_index * 15 + s.slot AS pid,
      seed_pick(${sqlList(FIRST_NAMES)}, t.team, s.slot, 'first') AS first_name,
      seed_pick(${sqlList(LAST_NAMES)}, t.team, s.slot, 'last') AS last_name,
      seed_pick(['G', 'G', 'G-F', 'F', 'F', 'F-C', 'C'], t.team, s.slot, 'position') AS position,
      greatest(3.0, ${SLOT_MINUTES}[s.slot + 1] + 1.5 * seed_n(t.team, s.slot, 'minutes')) AS base_minutes,
      ${SLOT_RATE}[s.slot + 1] * exp(0.09 * seed_n(t.team, s.slot, 'rate')) AS drawn_rate, t.offense_mult,
      ${SLOT_COACH_DNP}[s.slot + 1] AS coach_dnp_prob,
      20 + floor(seed_u(t.team, s.slot, 'age') * 16)::BIGINT AS age_2024,
      seed_u(t.team, s.slot, 'birthday') AS birthday_u,
      0.11 + 0.08 * seed_u(t.team, s.slot, 'ft') AS ft_share,
      seed_n(t.team, s.slot, 'usage') AS usage_z,
      exp(0.15 * seed_n(t.team, s.slot, 'reb')) AS reb_z,
      exp(0.15 * seed_n(t.team, s.slot, 'ast')) AS ast_z,
      seed_u(t.team, s.slot, 'injury') AS injury_u
    FROM w_teams t CROSS JOIN range(15) AS s(slot)
    WHERE s.slot < t.roster_size`
}

function shotProfileSql(): string {
  return `CASE position WHEN 'C' THEN 0.60 WHEN 'F-C' THEN 0.48 WHEN 'F' THEN 0.37 WHEN 'G-F' THEN 0.30 ELSE 0.26 END AS paint_share,
      CASE position WHEN 'C' THEN 0.12 WHEN 'F-C' THEN 0.26 WHEN 'F' THEN 0.37 WHEN 'G-F' THEN 0.42 ELSE 0.44 END AS three_share,
      CASE position WHEN 'C' THEN 0.33 WHEN 'F-C' THEN 0.27 WHEN 'F' THEN 0.21 WHEN 'G-F' THEN 0.16 ELSE 0.12 END * reb_z AS reb_rate,
      CASE position WHEN 'C' THEN 0.06 WHEN 'F-C' THEN 0.07 WHEN 'F' THEN 0.09 WHEN 'G-F' THEN 0.12 ELSE 0.19 END * ast_z AS ast_rate`
}

/**
 * Players with latent traits; names made unique with Jr./II/III suffixes when two draws collide. Scoring rates are
 * drawn per slot, then balanced per roster: the minutes- and availability-weighted rate of every roster is
 * 0.46 points a minute before the team's offense factor, so team scoring differs by the factor, not by the draws.
 */
export function playersSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_players AS
    WITH traits AS (${playerTraitsSql()}),
    rostered AS (
      SELECT *, sum(drawn_rate * base_minutes * (1 - coach_dnp_prob)) OVER roster
        / sum(base_minutes * (1 - coach_dnp_prob)) OVER roster AS roster_rate
      FROM traits WINDOW roster AS (PARTITION BY team)
    ),
    balanced AS (
      SELECT *, drawn_rate * 0.46 / roster_rate * offense_mult AS base_rate FROM rostered
    ),
    named AS (
      SELECT *, row_number() OVER (PARTITION BY lower(first_name || last_name) ORDER BY pid) AS name_rank
      FROM balanced
    ),
    finished AS (
      SELECT *, first_name || ' ' || last_name || ${sqlList(NAME_SUFFIXES)}[least(name_rank, ${NAME_SUFFIXES.length})] AS player_name,
        base_minutes * base_rate AS expected_points,
        DATE '2024-10-01' - CAST(round(age_2024 * 365.25 + birthday_u * 365) AS INTEGER) AS birth_date,
        ${shotProfileSql()}
      FROM named
    )
    SELECT *, regexp_replace(lower(player_name), '[^a-z]', '', 'g') AS player_lookup,
      slot = 0 OR expected_points >= 19.0 AS is_star,
      least(2024, year(birth_date) + 19 + floor(birthday_u * 3)::BIGINT) AS debut_year,
      0.019 + 0.010 * (age_2024 >= 31)::INTEGER + 0.008 * injury_u AS injury_rate,
      10.0 + 27.0 * base_rate + 1.5 * usage_z AS usage_base
    FROM finished`
}

/**
 * Per player and season: the scoring-rate drift (lognormal sd 0.05) and the in-season trend slope (z), both
 * centred on the team (weighted by expected points), so they move players against their teammates without
 * moving the team's total: a team's offense changes only through its roster, injuries and offense factor.
 */
export function playerSeasonsSql(): string {
  return `CREATE OR REPLACE TEMP TABLE w_player_seasons AS
    WITH drawn AS (
      SELECT p.pid, p.team, s.season_year, p.expected_points * (1 - p.coach_dnp_prob) AS weight,
        seed_n(p.pid, s.season_year, 'drift') AS drift_z, seed_n(p.pid, s.season_year, 'trend') AS trend_z
      FROM w_players p, (SELECT DISTINCT season_year FROM w_schedule) s
    )
    SELECT pid, season_year,
      exp(0.05 * (drift_z - sum(weight * drift_z) OVER team_season / sum(weight) OVER team_season)) AS drift,
      trend_z - sum(weight * trend_z) OVER team_season / sum(weight) OVER team_season AS trend_z
    FROM drawn WINDOW team_season AS (PARTITION BY team, season_year)`
}

export function registryInsertSql(): string {
  return `INSERT INTO nba_reference.player_registry BY NAME
    SELECT player_lookup, player_lookup || '_' || debut_year AS universal_player_id, player_name,
      team AS team_abbr, position, birth_date, is_star,
      make_timestamp(debut_year, 9, 30, 12, 0, 0) AS created_at
    FROM w_players ORDER BY team, slot`
}

/** Strength used only for playoff seeding: roster scoring (top 9) against defensive quality, z-scored. */
export function teamStrengthSql(): string {
  return `WITH scoring AS (
      SELECT t.team, sum(p.expected_points) FILTER (WHERE p.slot <= 8) AS points, any_value(t.defense_factor) AS defense
      FROM w_teams t JOIN w_players p USING (team) GROUP BY t.team
    )
    SELECT team, round(((points - avg(points) OVER ()) / stddev_pop(points) OVER ())
      - ((defense - avg(defense) OVER ()) / stddev_pop(defense) OVER ()), 4)::DOUBLE AS strength
    FROM scoring ORDER BY team`
}

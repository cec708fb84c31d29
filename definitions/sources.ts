/**
 * Source tables (DOMAIN §2): declared, not built. Each lists the columns the pipeline reads, so a
 * run stops with the missing column named when a source changes shape. The date column bounds the
 * incremental actions downstream.
 */
import { declaration } from '../src/index.js'
import type { ColumnSpec } from '../src/index.js'

function columns(spec: string): ColumnSpec[] {
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name, type] = part.split(/\s+/)
      return { name: name as string, type: type as string }
    })
}

export const nbaSchedule = declaration({
  name: 'nba_schedule',
  dataset: 'nba_reference',
  description: 'One row per game; game_status Final or Scheduled',
  interval: { column: 'game_date' },
  columns: columns(
    'game_id STRING, game_date DATE, home_team_tricode STRING, away_team_tricode STRING, game_status STRING, season_year INT64, season_phase STRING',
  ),
})

export const playerRegistry = declaration({
  name: 'player_registry',
  dataset: 'nba_reference',
  description: 'One row per player (birth_date for ages); not partitioned',
  columns: columns('player_lookup STRING, universal_player_id STRING, birth_date DATE'),
})

export const playerGameSummary = declaration({
  name: 'player_game_summary',
  dataset: 'nba_analytics',
  description:
    'Player x game box scores; DNP rows have NULL points and minutes; shot-zone attempts NULL without play-by-play',
  interval: { column: 'game_date' },
  columns: columns(`player_lookup STRING, universal_player_id STRING, game_id STRING, game_date DATE, team_abbr STRING,
    opponent_team_abbr STRING, season_year INT64, points INT64, minutes_played NUMERIC, ft_makes INT64, fg_attempts INT64,
    paint_attempts INT64, mid_range_attempts INT64, three_pt_attempts INT64, usage_rate FLOAT64, is_dnp BOOL, created_at TIMESTAMP`),
})

export const teamOffenseGameSummary = declaration({
  name: 'team_offense_game_summary',
  dataset: 'nba_analytics',
  description: 'Team x game: win flag, pace, offensive rating',
  interval: { column: 'game_date' },
  columns: columns(
    'team_abbr STRING, game_date DATE, game_id STRING, opponent_team_abbr STRING, win_flag BOOL, pace FLOAT64, offensive_rating FLOAT64',
  ),
})

export const upcomingPlayerGameContext = declaration({
  name: 'upcoming_player_game_context',
  dataset: 'nba_analytics',
  description: 'Pre-game context per player x game; re-runs leave duplicates, consumers keep the newest created_at',
  interval: { column: 'game_date' },
  columns: columns(`player_lookup STRING, universal_player_id STRING, game_id STRING, game_date DATE, team_abbr STRING,
    opponent_team_abbr STRING, home_game BOOL, season_phase STRING, days_rest INT64, opponent_days_rest INT64, player_status STRING,
    projected_usage_rate FLOAT64, avg_usage_rate_last_7_games FLOAT64, star_teammates_out INT64, created_at TIMESTAMP`),
})

export const oddsApiPlayerPointsProps = declaration({
  name: 'odds_api_player_points_props',
  dataset: 'nba_raw',
  description: 'Odds API points props: snapshot x game x bookmaker x player',
  interval: { column: 'game_date' },
  columns: columns(
    'game_id STRING, game_date DATE, player_lookup STRING, snapshot_timestamp TIMESTAMP, bookmaker STRING, points_line FLOAT64, minutes_before_tipoff INT64',
  ),
})

export const bettingprosPlayerPointsProps = declaration({
  name: 'bettingpros_player_points_props',
  dataset: 'nba_raw',
  description: "BettingPros offers of several markets: every reader filters market_type = 'points' (includes/lines.ts)",
  interval: { column: 'game_date' },
  columns: columns(
    'game_date DATE, player_lookup STRING, market_type STRING, bookmaker STRING, bet_side STRING, points_line FLOAT64, opening_line FLOAT64, created_at TIMESTAMP',
  ),
})

export const nbacInjuryReport = declaration({
  name: 'nbac_injury_report',
  dataset: 'nba_raw',
  description: 'Injury report entries: player x report',
  interval: { column: 'game_date' },
  columns: columns(
    'player_lookup STRING, game_date DATE, report_timestamp TIMESTAMP, injury_status STRING, reason STRING',
  ),
})

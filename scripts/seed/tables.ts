/** Declarations of the tables the seed writes: DOMAIN §2 columns in DuckDB types, plus `created_at`. */

export interface SeedColumn {
  /** Column name, exactly as in DOMAIN §2. */
  readonly name: string
  /** DuckDB type (STRING→VARCHAR, INT64→BIGINT, FLOAT64→DOUBLE, NUMERIC→DECIMAL(38,9), BOOL→BOOLEAN). */
  readonly type: string
}

export interface SeedTable {
  /** Schema / BigQuery dataset: `nba_reference`, `nba_analytics` or `nba_raw`. */
  readonly dataset: string
  /** Table name. */
  readonly name: string
  /** Partition (date) column; `undefined` for the unpartitioned player registry. */
  readonly dateColumn?: string
  /** Columns in DDL order; `created_at TIMESTAMP` is last. */
  readonly columns: readonly SeedColumn[]
}

/** Parses `name TYPE, name TYPE` (commas inside parentheses, as in DECIMAL(5,1), belong to the type). */
function columns(spec: string): SeedColumn[] {
  return spec
    .split(/,(?![^(]*\))/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const [name, ...type] = part.split(/\s+/)
      return { name: name as string, type: type.join(' ') }
    })
}

export const SCHEDULE_TABLE: SeedTable = {
  dataset: 'nba_reference',
  name: 'nba_schedule',
  dateColumn: 'game_date',
  columns: columns(`game_id VARCHAR, game_date DATE, home_team_tricode VARCHAR, away_team_tricode VARCHAR,
    game_status VARCHAR, season_year BIGINT, season_phase VARCHAR, created_at TIMESTAMP`),
}

export const PLAYER_REGISTRY_TABLE: SeedTable = {
  dataset: 'nba_reference',
  name: 'player_registry',
  columns: columns(`player_lookup VARCHAR, universal_player_id VARCHAR, player_name VARCHAR, team_abbr VARCHAR,
    position VARCHAR, birth_date DATE, is_star BOOLEAN, created_at TIMESTAMP`),
}

export const PLAYER_GAME_SUMMARY_TABLE: SeedTable = {
  dataset: 'nba_analytics',
  name: 'player_game_summary',
  dateColumn: 'game_date',
  columns: columns(`player_lookup VARCHAR, universal_player_id VARCHAR, game_id VARCHAR, game_date DATE,
    team_abbr VARCHAR, opponent_team_abbr VARCHAR, season_year BIGINT, points BIGINT, minutes_played DECIMAL(5,1),
    ft_makes BIGINT, fg_attempts BIGINT, paint_attempts BIGINT, mid_range_attempts BIGINT, three_pt_attempts BIGINT,
    usage_rate DOUBLE, is_dnp BOOLEAN, dnp_reason VARCHAR, dnp_reason_category VARCHAR, created_at TIMESTAMP`),
}

export const TEAM_OFFENSE_TABLE: SeedTable = {
  dataset: 'nba_analytics',
  name: 'team_offense_game_summary',
  dateColumn: 'game_date',
  columns: columns(`team_abbr VARCHAR, game_date DATE, game_id VARCHAR, opponent_team_abbr VARCHAR, win_flag BOOLEAN,
    points BIGINT, pace DOUBLE, offensive_rating DOUBLE, created_at TIMESTAMP`),
}

export const UPCOMING_CONTEXT_TABLE: SeedTable = {
  dataset: 'nba_analytics',
  name: 'upcoming_player_game_context',
  dateColumn: 'game_date',
  columns: columns(`player_lookup VARCHAR, universal_player_id VARCHAR, game_id VARCHAR, game_date DATE,
    team_abbr VARCHAR, opponent_team_abbr VARCHAR, home_game BOOLEAN, back_to_back BOOLEAN, season_phase VARCHAR,
    days_rest BIGINT, opponent_days_rest BIGINT, player_status VARCHAR, pace_differential DOUBLE,
    projected_usage_rate DOUBLE, avg_usage_rate_last_7_games DOUBLE, star_teammates_out BIGINT, has_prop_line BOOLEAN,
    current_points_line DECIMAL(4,1), opening_points_line DECIMAL(4,1), line_movement DECIMAL(38,9),
    created_at TIMESTAMP`),
}

export const ODDS_API_TABLE: SeedTable = {
  dataset: 'nba_raw',
  name: 'odds_api_player_points_props',
  dateColumn: 'game_date',
  columns: columns(`game_id VARCHAR, game_date DATE, player_lookup VARCHAR, snapshot_timestamp TIMESTAMP,
    bookmaker VARCHAR, points_line DOUBLE NOT NULL, minutes_before_tipoff BIGINT, created_at TIMESTAMP`),
}

export const BETTINGPROS_TABLE: SeedTable = {
  dataset: 'nba_raw',
  name: 'bettingpros_player_points_props',
  dateColumn: 'game_date',
  columns: columns(`game_date DATE, player_lookup VARCHAR, market_type VARCHAR, bookmaker VARCHAR, bet_side VARCHAR,
    points_line DOUBLE, opening_line DOUBLE, created_at TIMESTAMP`),
}

export const INJURY_REPORT_TABLE: SeedTable = {
  dataset: 'nba_raw',
  name: 'nbac_injury_report',
  dateColumn: 'game_date',
  columns: columns(`player_lookup VARCHAR, game_date DATE, report_timestamp TIMESTAMP, injury_status VARCHAR,
    reason VARCHAR, created_at TIMESTAMP`),
}

/** Every table the seed writes, in write order. */
export const SEED_TABLES: readonly SeedTable[] = [
  SCHEDULE_TABLE,
  PLAYER_REGISTRY_TABLE,
  PLAYER_GAME_SUMMARY_TABLE,
  TEAM_OFFENSE_TABLE,
  ODDS_API_TABLE,
  BETTINGPROS_TABLE,
  INJURY_REPORT_TABLE,
  UPCOMING_CONTEXT_TABLE,
]

export const SEED_DATASETS: readonly string[] = ['nba_reference', 'nba_analytics', 'nba_raw']

export function qualifiedName(table: Pick<SeedTable, 'dataset' | 'name'>): string {
  return `${table.dataset}.${table.name}`
}

export function createTableSql(table: SeedTable): string {
  const body = table.columns.map((column) => `${column.name} ${column.type}`).join(', ')
  return `CREATE OR REPLACE TABLE ${qualifiedName(table)} (${body})`
}

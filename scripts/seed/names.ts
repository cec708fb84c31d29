/** Static vocabularies of the synthetic world: teams, synthetic name parts, injury reasons. */

export interface TeamInfo {
  /** Real NBA tricode, e.g. `BOS`. */
  readonly tricode: string
  /** Conference, for playoff seeding and tip times. */
  readonly conference: 'east' | 'west'
}

const EAST = ['ATL', 'BOS', 'BKN', 'CHA', 'CHI', 'CLE', 'DET', 'IND', 'MIA', 'MIL', 'NYK', 'ORL', 'PHI', 'TOR', 'WAS']
const WEST = ['DAL', 'DEN', 'GSW', 'HOU', 'LAC', 'LAL', 'MEM', 'MIN', 'NOP', 'OKC', 'PHX', 'POR', 'SAC', 'SAS', 'UTA']

/** The 30 real NBA tricodes, alphabetical within conference. */
export const TEAMS: readonly TeamInfo[] = [
  ...EAST.map((tricode) => ({ tricode, conference: 'east' as const })),
  ...WEST.map((tricode) => ({ tricode, conference: 'west' as const })),
]

export const FIRST_NAMES: readonly string[] = [
  'Aaron', 'Adrian', 'Alec', 'Andre', 'Anthony', 'Austin', 'Bennett', 'Brandon', 'Brook', 'Caleb',
  'Cameron', 'Carter', 'Chris', 'Cole', 'Collin', 'Corey', 'Dalton', 'Damian', 'Dante', 'Darius',
  'Davion', 'Dean', 'Derrick', 'Devin', 'Dillon', 'Dominic', 'Donovan', 'Dwight', 'Elijah', 'Eric',
  'Evan', 'Gabe', 'Garrett', 'Grant', 'Isaiah', 'Ivan', 'Jace', 'Jalen', 'Jamal', 'Jaylen',
  'Jerome', 'Jordan', 'Josh', 'Julian', 'Justin', 'Kai', 'Keegan', 'Keldon', 'Kendall', 'Kevin',
  'Kyle', 'Lamar', 'Landry', 'Leon', 'Luca', 'Malik', 'Marcus', 'Mason', 'Matteo', 'Max',
  'Miles', 'Nate', 'Nico', 'Noah', 'Omar', 'Oscar', 'Paolo', 'Quentin', 'Reggie', 'Ronan',
  'Royce', 'Russell', 'Ryan', 'Santi', 'Scottie', 'Seth', 'Shane', 'Terrence', 'Theo', 'Tobias',
  'Trey', 'Tyrese', 'Victor', 'Wendell', 'Xavier', 'Zach',
]

export const LAST_NAMES: readonly string[] = [
  'Adams', 'Alvarez', 'Anderson', 'Bailey', 'Baker', 'Banks', 'Barnes', 'Bell', 'Bennett', 'Bishop',
  'Booker', 'Bradley', 'Brooks', 'Bryant', 'Burke', 'Caldwell', 'Carter', 'Chambers', 'Coleman', 'Collins',
  'Cooper', 'Crawford', 'Cunningham', 'Daniels', 'Dawson', 'Dixon', 'Drummond', 'Duncan', 'Edwards', 'Ellis',
  'Evans', 'Fields', 'Fisher', 'Fleming', 'Ford', 'Foster', 'Freeman', 'Garland', 'Gibson', 'Gordon',
  'Graham', 'Grant', 'Green', 'Griffin', 'Hale', 'Hamilton', 'Harper', 'Harris', 'Hayes', 'Henderson',
  'Holiday', 'Holmes', 'Howard', 'Hudson', 'Hunter', 'Ingram', 'Jackson', 'Jenkins', 'Johnson', 'Jordan',
  'Keller', 'Kennedy', 'King', 'Knight', 'Lawson', 'Lewis', 'Lowry', 'Marshall', 'Martin', 'Mason',
  'McCoy', 'Miller', 'Mitchell', 'Monroe', 'Moore', 'Morgan', 'Murray', 'Nash', 'Nelson', 'Norris',
  'Okafor', 'Owens', 'Parker', 'Patterson', 'Payne', 'Porter', 'Powell', 'Price', 'Quinn', 'Randle',
  'Reed', 'Reynolds', 'Richards', 'Robinson', 'Rose', 'Russell', 'Sanders', 'Simmons', 'Stewart', 'Sullivan',
  'Thompson', 'Tucker', 'Turner', 'Vaughn', 'Wade', 'Walker', 'Wallace', 'Warren', 'Watson', 'Webb',
  'Wells', 'White', 'Wiggins', 'Williams', 'Young',
]

/** Suffixes that keep player_lookup unique when two synthetic names collide. */
export const NAME_SUFFIXES: readonly string[] = ['', ' Jr.', ' II', ' III', ' IV', ' V']

export const INJURY_REASONS: readonly string[] = [
  'Left Ankle; Sprain', 'Right Ankle; Sprain', 'Left Knee; Soreness', 'Right Knee; Tendinitis',
  'Left Hamstring; Strain', 'Right Hamstring; Strain', 'Lower Back; Spasms', 'Right Calf; Strain',
  'Left Foot; Plantar Fasciitis', 'Right Wrist; Sprain', 'Illness', 'Concussion Protocol',
  'Left Groin; Strain', 'Right Shoulder; Soreness', 'Left Hip; Contusion', 'Right Thumb; Sprain',
]

export const MINOR_AILMENTS: readonly string[] = [
  'Left Ankle; Soreness', 'Right Knee; Soreness', 'Lower Back; Tightness', 'Illness',
  'Right Hip; Soreness', 'Left Wrist; Soreness',
]

/** Renders a list of strings as a DuckDB list literal (values are static, trusted constants). */
export function sqlList(values: readonly string[]): string {
  return `[${values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', ')}]`
}

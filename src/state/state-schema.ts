/**
 * The pipeline_state tables at the latest state version, as Kysely sees them. Values are what the
 * adapters return: DATE as 'YYYY-MM-DD', TIMESTAMP as an ISO string, INT64 and FLOAT64 as numbers.
 * Columns added by a state migration after version 1 are nullable: older rows have no value.
 */
export interface StateDatabase {
  readonly runs: RunsTable
  readonly action_runs: ActionRunsTable
  readonly intervals: IntervalsTable
  readonly assertion_results: AssertionResultsTable
  readonly locks: LocksTable
  readonly state_version: StateVersionTable
}

export interface RunsTable {
  run_id: string
  command: string
  mode: string
  status: string
  started_at: string
  finished_at: string | null
  build_commit_sha: string
  deployment_revision: string
  engine: string
  selection: string | null
  from_date: string | null
  to_date: string | null
  skip_assertions: boolean
  reason: string | null
  actions_succeeded: number | null
  actions_failed: number | null
  actions_skipped: number | null
  /** Version 2: process id of the runner, to tell a killed run from a running one. */
  pid: number | null
  /** Version 2: host of the runner process. */
  host: string | null
}

export interface ActionRunsTable {
  run_id: string
  action: string
  kind: string
  status: string
  started_at: string | null
  finished_at: string | null
  duration_ms: number | null
  rows_written: number | null
  interval_start: string | null
  interval_end: string | null
  sql_hash: string | null
  build_commit_sha: string
  error_code: string | null
  error_message: string | null
  skipped_because: string | null
  /**
   * Version 4: for a standalone assertion whose checks all passed, a hash of its check SQL and of the
   * versions of the relations it reads; a later run finding the same hash knows the outcome.
   */
  inputs_hash: string | null
}

export interface IntervalsTable {
  action: string
  interval_start: string
  interval_end: string
  run_id: string
  build_commit_sha: string
  mode: string
  rows_written: number | null
  completed_at: string
  /** Version 2: false when written without its assertions (--skip-assertions); null when not recorded. */
  verified: boolean | null
  /** Version 3: when a later run's re-check found an unverified interval's checks passing. */
  verified_at: string | null
  /** Version 3: the run whose re-check verified it. */
  verified_by: string | null
}

export interface AssertionResultsTable {
  run_id: string
  assertion: string
  action: string | null
  builtin: string | null
  partition_value: string | null
  observed: number | null
  threshold: string | null
  row_count: number | null
  severity: string
  passed: boolean
  skipped: boolean
  message: string | null
  /** JSON text on the way in; a parsed value on the way out. */
  sample: unknown
  build_commit_sha: string
  evaluated_at: string
}

export interface LocksTable {
  name: string
  owner: string
  acquired_at: string
  expires_at: string
}

/** One row per state migration applied to this warehouse. */
export interface StateVersionTable {
  version: number
  description: string
  /** True when version 1's tables were found (made before state versioning) and recorded as they were. */
  adopted: boolean
  applied_at: string
  build_commit_sha: string | null
}

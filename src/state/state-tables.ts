import type { ColumnSpec, TableOptions } from '../engines/dialect.js'

/** One bookkeeping table: its columns and layout. */
export interface StateTableSpec extends TableOptions {
  readonly columns: readonly ColumnSpec[]
}

/**
 * The engine's own bookkeeping tables as version 1 of the state schema creates them (the tables
 * of every warehouse made before state versioning). Frozen: later columns come from the state
 * migrations in state-migrations.ts, never from edits here.
 */
export const STATE_TABLES: Readonly<Record<string, StateTableSpec>> = {
  runs: {
    columns: [
      { name: 'run_id', type: 'STRING', nullable: false },
      { name: 'command', type: 'STRING', nullable: false },
      { name: 'mode', type: 'STRING', nullable: false },
      { name: 'status', type: 'STRING', nullable: false },
      { name: 'started_at', type: 'TIMESTAMP', nullable: false },
      { name: 'finished_at', type: 'TIMESTAMP' },
      { name: 'build_commit_sha', type: 'STRING', nullable: false },
      { name: 'deployment_revision', type: 'STRING', nullable: false },
      { name: 'engine', type: 'STRING', nullable: false },
      { name: 'selection', type: 'STRING' },
      { name: 'from_date', type: 'DATE' },
      { name: 'to_date', type: 'DATE' },
      { name: 'skip_assertions', type: 'BOOL', nullable: false },
      { name: 'reason', type: 'STRING' },
      { name: 'actions_succeeded', type: 'INT64' },
      { name: 'actions_failed', type: 'INT64' },
      { name: 'actions_skipped', type: 'INT64' },
    ],
    clusterBy: ['run_id'],
  },
  action_runs: {
    columns: [
      { name: 'run_id', type: 'STRING', nullable: false },
      { name: 'action', type: 'STRING', nullable: false },
      { name: 'kind', type: 'STRING', nullable: false },
      { name: 'status', type: 'STRING', nullable: false },
      { name: 'started_at', type: 'TIMESTAMP' },
      { name: 'finished_at', type: 'TIMESTAMP' },
      { name: 'duration_ms', type: 'INT64' },
      { name: 'rows_written', type: 'INT64' },
      { name: 'interval_start', type: 'DATE' },
      { name: 'interval_end', type: 'DATE' },
      { name: 'sql_hash', type: 'STRING' },
      { name: 'build_commit_sha', type: 'STRING', nullable: false },
      { name: 'error_code', type: 'STRING' },
      { name: 'error_message', type: 'STRING' },
      { name: 'skipped_because', type: 'STRING' },
    ],
    clusterBy: ['run_id', 'action'],
  },
  intervals: {
    columns: [
      { name: 'action', type: 'STRING', nullable: false },
      { name: 'interval_start', type: 'DATE', nullable: false },
      { name: 'interval_end', type: 'DATE', nullable: false },
      { name: 'run_id', type: 'STRING', nullable: false },
      { name: 'build_commit_sha', type: 'STRING', nullable: false },
      { name: 'mode', type: 'STRING', nullable: false },
      { name: 'rows_written', type: 'INT64' },
      { name: 'completed_at', type: 'TIMESTAMP', nullable: false },
    ],
    clusterBy: ['action'],
  },
  assertion_results: {
    columns: [
      { name: 'run_id', type: 'STRING', nullable: false },
      { name: 'assertion', type: 'STRING', nullable: false },
      { name: 'action', type: 'STRING' },
      { name: 'builtin', type: 'STRING' },
      { name: 'partition_value', type: 'STRING' },
      { name: 'observed', type: 'FLOAT64' },
      { name: 'threshold', type: 'STRING' },
      { name: 'row_count', type: 'INT64' },
      { name: 'severity', type: 'STRING', nullable: false },
      { name: 'passed', type: 'BOOL', nullable: false },
      { name: 'skipped', type: 'BOOL', nullable: false },
      { name: 'message', type: 'STRING' },
      { name: 'sample', type: 'JSON' },
      { name: 'build_commit_sha', type: 'STRING', nullable: false },
      { name: 'evaluated_at', type: 'TIMESTAMP', nullable: false },
    ],
    clusterBy: ['assertion', 'run_id'],
  },
  locks: {
    columns: [
      { name: 'name', type: 'STRING', nullable: false },
      { name: 'owner', type: 'STRING', nullable: false },
      { name: 'acquired_at', type: 'TIMESTAMP', nullable: false },
      { name: 'expires_at', type: 'TIMESTAMP', nullable: false },
    ],
  },
}

/** The state version record: one row per state migration applied, created before the first one runs. */
export const STATE_VERSION_TABLE = 'state_version'

export const STATE_VERSION_SPEC: StateTableSpec = {
  columns: [
    { name: 'version', type: 'INT64', nullable: false },
    { name: 'description', type: 'STRING', nullable: false },
    { name: 'adopted', type: 'BOOL', nullable: false, description: 'found as made before state versioning' },
    { name: 'applied_at', type: 'TIMESTAMP', nullable: false },
    { name: 'build_commit_sha', type: 'STRING' },
  ],
}

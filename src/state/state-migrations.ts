import type { ColumnSpec, Dialect } from '../engines/dialect.js'
import type { StateDatabase } from './state-schema.js'
import type { StateTableSpec } from './state-tables.js'
import { STATE_TABLES } from './state-tables.js'

/** One change to the state schema; each is idempotent (IF NOT EXISTS), so a crashed upgrade can run again. */
export type StateMigrationStep =
  | { readonly kind: 'create-tables'; readonly tables: Readonly<Record<string, StateTableSpec>> }
  | {
      readonly kind: 'add-columns'
      readonly table: keyof StateDatabase
      /** Nullable columns only: rows written before the migration have no value. */
      readonly columns: readonly ColumnSpec[]
    }

/** A version of the engine's own pipeline_state tables. Versions are 1, 2, 3, … with no gap. */
export interface StateMigration {
  readonly version: number
  readonly description: string
  readonly steps: readonly StateMigrationStep[]
}

/**
 * The state schema's history, oldest first. Append only: a warehouse records the versions it has,
 * and applies the later ones in order on `StateStore.ensure()`. Never edit a released version.
 */
export const STATE_MIGRATIONS: readonly StateMigration[] = Object.freeze([
  {
    version: 1,
    description: 'runs, action_runs, intervals, assertion_results and locks',
    steps: [{ kind: 'create-tables', tables: STATE_TABLES }],
  },
  {
    version: 2,
    description: 'intervals.verified (false: written with --skip-assertions); runs.pid and runs.host',
    steps: [
      { kind: 'add-columns', table: 'intervals', columns: [{ name: 'verified', type: 'BOOL' }] },
      {
        kind: 'add-columns',
        table: 'runs',
        columns: [
          { name: 'pid', type: 'INT64' },
          { name: 'host', type: 'STRING' },
        ],
      },
    ],
  },
  {
    version: 3,
    description:
      'intervals.verified_at and intervals.verified_by: when and by which run an unverified interval passed its checks',
    steps: [
      {
        kind: 'add-columns',
        table: 'intervals',
        columns: [
          { name: 'verified_at', type: 'TIMESTAMP' },
          { name: 'verified_by', type: 'STRING' },
        ],
      },
    ],
  },
  {
    version: 4,
    description:
      "action_runs.inputs_hash: a standalone assertion's checks and the versions of what it read, when all its checks passed",
    steps: [{ kind: 'add-columns', table: 'action_runs', columns: [{ name: 'inputs_hash', type: 'STRING' }] }],
  },
])

export const LATEST_STATE_VERSION: number = STATE_MIGRATIONS.at(-1)?.version ?? 0

/** The DDL of one state migration for a dialect, in order. */
export function stateMigrationDdl(dialect: Dialect, dataset: string, migration: StateMigration): string[] {
  return migration.steps.flatMap((step) => {
    switch (step.kind) {
      case 'create-tables':
        return Object.entries(step.tables).map(([name, spec]) =>
          dialect.createTable({ dataset, name }, spec.columns, spec),
        )
      case 'add-columns':
        return dialect.addColumns({ dataset, name: step.table }, step.columns)
    }
  })
}

/** Columns of every state table at the latest version, in creation order. */
export function latestStateColumns(): Readonly<Record<string, readonly ColumnSpec[]>> {
  const tables: Record<string, ColumnSpec[]> = {}
  for (const step of STATE_MIGRATIONS.flatMap((m) => m.steps)) {
    if (step.kind === 'create-tables')
      for (const [name, spec] of Object.entries(step.tables)) tables[name] = [...spec.columns]
    else tables[step.table] = [...(tables[step.table] ?? []), ...step.columns]
  }
  return tables
}

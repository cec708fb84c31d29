import type { Adapter, ParamValue, Statement } from '../engines/adapter.js'
import type { ColumnSpec, Dialect, Target } from '../engines/dialect.js'
import type { ParamType } from '../sql/fragment.js'
import { raw } from '../sql/fragment.js'
import { renderPlain } from '../sql/render.js'
import type { MigrationFile } from './discover.js'

/** `running`: started on an engine without transactional DDL and not finished (a crash shows as this); `failed`: a statement failed there. */
export type LedgerStatus = 'applied' | 'running' | 'failed'

/** One row of pipeline_state.schema_migrations. */
export interface LedgerRow {
  readonly version: number
  readonly name: string
  readonly checksum: string
  readonly status: LedgerStatus
  readonly startedAt: string
  readonly appliedAt: string | null
  readonly buildCommitSha: string
  readonly durationMs: number | null
  readonly appliedBy: string | null
  readonly errorMessage: string | null
}

export const LEDGER_TABLE = 'schema_migrations'

/** The ledger's columns. version/name/checksum/applied_at/build_commit_sha/duration_ms per DESIGN §4, plus status for crash detection. */
export const LEDGER_COLUMNS: readonly ColumnSpec[] = [
  { name: 'version', type: 'INT64', nullable: false },
  { name: 'name', type: 'STRING', nullable: false },
  { name: 'checksum', type: 'STRING', nullable: false, description: 'sha256 of the migration file bytes' },
  { name: 'status', type: 'STRING', nullable: false, description: 'applied | running | failed' },
  { name: 'started_at', type: 'TIMESTAMP', nullable: false },
  { name: 'applied_at', type: 'TIMESTAMP' },
  { name: 'build_commit_sha', type: 'STRING', nullable: false },
  { name: 'duration_ms', type: 'INT64' },
  { name: 'applied_by', type: 'STRING', description: 'lease owner that applied it' },
  { name: 'error_message', type: 'STRING' },
]

/** Identity of an apply: who, from which commit, when. */
export interface ApplyStamp {
  readonly buildCommitSha: string
  readonly owner: string
  /** ISO timestamp, UTC. */
  readonly startedAt: string
}

/** SQL for the ledger in one dialect; values travel as parameters. */
export class Ledger {
  readonly target: Target
  readonly #adapter: Adapter | null
  readonly #dialect: Dialect

  constructor(engine: Adapter | Dialect, stateDataset: string) {
    const isAdapter = 'query' in engine
    this.#adapter = isAdapter ? engine : null
    this.#dialect = isAdapter ? engine.dialect : engine
    this.target = { dataset: stateDataset, name: LEDGER_TABLE }
  }

  createTableSql(): string {
    return this.#dialect.createTable(this.target, LEDGER_COLUMNS)
  }

  /** Rows by version, or an empty list when the ledger does not exist yet (a fresh warehouse). */
  async read(): Promise<LedgerRow[]> {
    const adapter = this.#requireAdapter()
    if (!(await adapter.tableExists(this.target))) return []
    const rows = await adapter.query(
      `SELECT ${LEDGER_COLUMNS.map((c) => c.name).join(', ')} FROM ${this.#qualifiedTable()} ORDER BY version`,
    )
    return rows.map((r) => ({
      version: Number(r.version),
      name: String(r.name),
      checksum: String(r.checksum),
      status: String(r.status) as LedgerStatus,
      startedAt: String(r.started_at),
      appliedAt: r.applied_at === null ? null : String(r.applied_at),
      buildCommitSha: String(r.build_commit_sha),
      durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
      appliedBy: (r.applied_by as string | null) ?? null,
      errorMessage: (r.error_message as string | null) ?? null,
    }))
  }

  /** Insert the migration's row; `applied` inside the migration's transaction, `running` before it on other engines. */
  insert(file: MigrationFile, status: 'applied' | 'running', stamp: ApplyStamp): Statement {
    const values: [string, ParamValue, ParamType][] = [
      ['version', file.version, 'INT64'],
      ['name', file.name, 'STRING'],
      ['checksum', file.checksum, 'STRING'],
      ['status', status, 'STRING'],
      ['started_at', stamp.startedAt, 'TIMESTAMP'],
      ['build_commit_sha', stamp.buildCommitSha, 'STRING'],
      ['applied_by', stamp.owner, 'STRING'],
    ]
    const columns = [...values.map(([name]) => name), 'applied_at']
    const rendered = [
      ...values.map(([name, , type]) => this.#typedParam(`l_${name}`, type)),
      status === 'applied' ? this.#currentTimestamp() : 'NULL',
    ]
    return {
      sql: `INSERT INTO ${this.#qualifiedTable()} (${columns.join(', ')})\nVALUES (${rendered.join(', ')})`,
      params: Object.fromEntries(values.map(([name, value]) => [`l_${name}`, value])),
      label: `ledger ${file.name}`,
    }
  }

  /** Mark a row applied (with its duration) or failed (with the error); only rows still `running` or just inserted. */
  finish(
    version: number,
    outcome: { status: 'applied' | 'failed'; durationMs: number; errorMessage?: string },
  ): Statement {
    const appliedAt = outcome.status === 'applied' ? `, applied_at = ${this.#currentTimestamp()}` : ''
    return {
      sql: `UPDATE ${this.#qualifiedTable()} SET status = ${this.#typedParam('l_status', 'STRING')}, duration_ms = ${this.#typedParam('l_duration', 'INT64')}, error_message = ${this.#typedParam('l_error', 'STRING')}${appliedAt}
WHERE version = ${this.#typedParam('l_version', 'INT64')}`,
      params: {
        l_status: outcome.status,
        l_duration: Math.round(outcome.durationMs),
        l_error: outcome.errorMessage ?? null,
        l_version: version,
      },
      label: `ledger ${version} ${outcome.status}`,
    }
  }

  #requireAdapter(): Adapter {
    if (!this.#adapter) throw new Error('the ledger needs a connection; this one was built from a dialect only')
    return this.#adapter
  }

  #qualifiedTable(): string {
    return this.#dialect.formatTarget(this.target)
  }

  #typedParam(name: string, type: ParamType): string {
    // CAST keeps the type when an engine binds parameters untyped (BigQuery binds ISO strings as STRING).
    return type === 'STRING'
      ? this.#dialect.param(name, type)
      : renderPlain(this.#dialect, this.#dialect.fn.cast(raw(this.#dialect.param(name, type)), type))
  }

  #currentTimestamp(): string {
    return renderPlain(this.#dialect, this.#dialect.fn.currentTimestamp())
  }
}

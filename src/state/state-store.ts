import type { Adapter, ParamValue, Statement } from '../engines/adapter.js'
import type { Target } from '../engines/dialect.js'
import type { DateInterval } from '../core/dates.js'
import { STATE_TABLES } from './state-tables.js'
import { raw } from '../sql/fragment.js'
import { renderPlain } from '../sql/render.js'

export interface RunRecord {
  readonly runId: string
  readonly command: string
  readonly mode: string
  readonly status: string
  readonly startedAt: string
  readonly finishedAt?: string | null
  readonly buildCommitSha: string
  readonly deploymentRevision: string
  readonly engine: string
  readonly selection?: string | null
  readonly fromDate?: string | null
  readonly toDate?: string | null
  readonly skipAssertions: boolean
  readonly reason?: string | null
  readonly counts?: { succeeded: number; failed: number; skipped: number }
}

export interface ActionRunRecord {
  readonly runId: string
  readonly action: string
  readonly kind: string
  readonly status: string
  readonly startedAt: string | null
  readonly finishedAt: string | null
  readonly durationMs: number
  readonly rowsWritten: number | null
  readonly interval: DateInterval | null
  readonly sqlHash: string | null
  readonly buildCommitSha: string
  readonly errorCode: string | null
  readonly errorMessage: string | null
  readonly skippedBecause: string | null
}

export interface AssertionResultRecord {
  readonly runId: string
  readonly assertion: string
  readonly action: string | null
  readonly builtin: string
  readonly partition: string | null
  readonly observed: number | null
  readonly threshold: string
  readonly rowCount: number
  readonly severity: string
  readonly passed: boolean
  readonly skipped: boolean
  readonly message: string
  readonly sample: string | null
  readonly buildCommitSha: string
  readonly evaluatedAt: string
}

/** Reads and writes the pipeline_state tables; SQL from the adapter's dialect, values as parameters. */
export class StateStore {
  readonly adapter: Adapter
  readonly dataset: string

  constructor(adapter: Adapter, dataset: string) {
    this.adapter = adapter
    this.dataset = dataset
  }

  target(name: keyof typeof STATE_TABLES | string): Target {
    return { dataset: this.dataset, name }
  }

  #t(name: string): string {
    return this.adapter.dialect.formatTarget(this.target(name))
  }

  #p(name: string, type: Parameters<Adapter['dialect']['param']>[1] = 'STRING'): string {
    return this.adapter.dialect.param(name, type)
  }

  /** Create the state dataset and tables when missing. */
  async ensure(): Promise<void> {
    const { dialect } = this.adapter
    await this.adapter.execute(dialect.createSchema(this.dataset))
    for (const [name, spec] of Object.entries(STATE_TABLES)) {
      await this.adapter.execute(dialect.createTable(this.target(name), spec.columns, spec))
    }
  }

  async startRun(run: RunRecord): Promise<void> {
    await this.adapter.execute(
      `INSERT INTO ${this.#t('runs')} (run_id, command, mode, status, started_at, build_commit_sha, deployment_revision, engine, selection, from_date, to_date, skip_assertions, reason)
VALUES (${this.#p('run_id')}, ${this.#p('command')}, ${this.#p('mode')}, ${this.#p('status')}, ${this.#p('started_at', 'TIMESTAMP')}, ${this.#p('sha')}, ${this.#p('rev')}, ${this.#p('engine')}, ${this.#p('selection')}, ${this.#p('from_date', 'DATE')}, ${this.#p('to_date', 'DATE')}, ${this.#p('skip', 'BOOL')}, ${this.#p('reason')})`,
      {
        params: {
          run_id: run.runId,
          command: run.command,
          mode: run.mode,
          status: run.status,
          started_at: run.startedAt,
          sha: run.buildCommitSha,
          rev: run.deploymentRevision,
          engine: run.engine,
          selection: run.selection ?? null,
          from_date: run.fromDate ?? null,
          to_date: run.toDate ?? null,
          skip: run.skipAssertions,
          reason: run.reason ?? null,
        },
      },
    )
  }

  async finishRun(
    runId: string,
    status: string,
    finishedAt: string,
    counts: { succeeded: number; failed: number; skipped: number },
  ): Promise<void> {
    await this.adapter.execute(
      `UPDATE ${this.#t('runs')} SET status = ${this.#p('status')}, finished_at = ${this.#p('finished_at', 'TIMESTAMP')},
  actions_succeeded = ${this.#p('ok', 'INT64')}, actions_failed = ${this.#p('failed', 'INT64')}, actions_skipped = ${this.#p('skipped', 'INT64')}
WHERE run_id = ${this.#p('run_id')}`,
      {
        params: {
          status,
          finished_at: finishedAt,
          ok: counts.succeeded,
          failed: counts.failed,
          skipped: counts.skipped,
          run_id: runId,
        },
      },
    )
  }

  async recordActionRun(r: ActionRunRecord): Promise<void> {
    await this.adapter.execute(
      `INSERT INTO ${this.#t('action_runs')} (run_id, action, kind, status, started_at, finished_at, duration_ms, rows_written, interval_start, interval_end, sql_hash, build_commit_sha, error_code, error_message, skipped_because)
VALUES (${['run_id', 'action', 'kind', 'status'].map((n) => this.#p(n)).join(', ')}, ${this.#p('started_at', 'TIMESTAMP')}, ${this.#p('finished_at', 'TIMESTAMP')}, ${this.#p('duration_ms', 'INT64')}, ${this.#p('rows', 'INT64')}, ${this.#p('i_start', 'DATE')}, ${this.#p('i_end', 'DATE')}, ${['sql_hash', 'sha', 'error_code', 'error_message', 'skipped_because'].map((n) => this.#p(n)).join(', ')})`,
      {
        params: {
          run_id: r.runId,
          action: r.action,
          kind: r.kind,
          status: r.status,
          started_at: r.startedAt,
          finished_at: r.finishedAt,
          duration_ms: Math.round(r.durationMs),
          rows: r.rowsWritten,
          i_start: r.interval?.start ?? null,
          i_end: r.interval?.end ?? null,
          sql_hash: r.sqlHash,
          sha: r.buildCommitSha,
          error_code: r.errorCode,
          error_message: r.errorMessage,
          skipped_because: r.skippedBecause,
        },
      },
    )
  }

  /** The statement recording a completed interval; runs in the same transaction as the write. */
  intervalStatement(
    action: string,
    interval: DateInterval,
    run: { runId: string; buildCommitSha: string; mode: string },
    rowsWritten: number | null,
  ): Statement {
    return {
      sql: `INSERT INTO ${this.#t('intervals')} (action, interval_start, interval_end, run_id, build_commit_sha, mode, rows_written, completed_at)
VALUES (${this.#p('i_action')}, ${this.#p('i_start', 'DATE')}, ${this.#p('i_end', 'DATE')}, ${this.#p('i_run')}, ${this.#p('i_sha')}, ${this.#p('i_mode')}, ${this.#p('i_rows', 'INT64')}, ${renderPlain(this.adapter.dialect, this.adapter.dialect.fn.currentTimestamp())})`,
      params: {
        i_action: action,
        i_start: interval.start,
        i_end: interval.end,
        i_run: run.runId,
        i_sha: run.buildCommitSha,
        i_mode: run.mode,
        i_rows: rowsWritten,
      },
    }
  }

  /** Completed intervals of an action; only those written by `runIds` when given. */
  async completedIntervals(action: string, runIds?: readonly string[]): Promise<DateInterval[]> {
    const params: Record<string, ParamValue> = { action }
    runIds?.forEach((id, i) => {
      params[`run_${i}`] = id
    })
    const byRun = runIds?.length ? ` AND run_id IN (${runIds.map((_, i) => this.#p(`run_${i}`)).join(', ')})` : ''
    const rows = await this.adapter.query<{ interval_start: string; interval_end: string }>(
      `SELECT interval_start, interval_end FROM ${this.#t('intervals')} WHERE action = ${this.#p('action')}${byRun} ORDER BY interval_start`,
      { params },
    )
    return rows.map((r) => ({ start: r.interval_start, end: r.interval_end }))
  }

  /** Forget completed intervals (full refresh, restatement); rows are kept in other tables. */
  clearIntervalsStatement(action: string, range?: DateInterval): Statement {
    const where = range
      ? ` AND interval_start >= ${this.#p('c_start', 'DATE')} AND interval_end <= ${this.#p('c_end', 'DATE')}`
      : ''
    return {
      sql: `DELETE FROM ${this.#t('intervals')} WHERE action = ${this.#p('c_action')}${where}`,
      params: { c_action: action, ...(range ? { c_start: range.start, c_end: range.end } : {}) },
    }
  }

  async recordAssertionResults(results: readonly AssertionResultRecord[]): Promise<void> {
    if (results.length === 0) return
    const columns = [
      'run_id',
      'assertion',
      'action',
      'builtin',
      'partition_value',
      'observed',
      'threshold',
      'row_count',
      'severity',
      'passed',
      'skipped',
      'message',
      'sample',
      'build_commit_sha',
      'evaluated_at',
    ]
    const types: Record<string, Parameters<Adapter['dialect']['param']>[1]> = {
      observed: 'FLOAT64',
      row_count: 'INT64',
      passed: 'BOOL',
      skipped: 'BOOL',
      evaluated_at: 'TIMESTAMP',
    }
    // Batched multi-row insert with one parameter set per row keeps every value out of the SQL text.
    for (let offset = 0; offset < results.length; offset += 200) {
      const chunk = results.slice(offset, offset + 200)
      const params: Record<string, ParamValue> = {}
      const rows = chunk.map((r, i) => {
        const values: Record<string, ParamValue> = {
          run_id: r.runId,
          assertion: r.assertion,
          action: r.action,
          builtin: r.builtin,
          partition_value: r.partition,
          observed: r.observed,
          threshold: r.threshold,
          row_count: r.rowCount,
          severity: r.severity,
          passed: r.passed,
          skipped: r.skipped,
          message: r.message,
          sample: r.sample,
          build_commit_sha: r.buildCommitSha,
          evaluated_at: r.evaluatedAt,
        }
        return `(${columns
          .map((c) => {
            params[`${c}_${i}`] = values[c] ?? null
            const rendered = this.#p(`${c}_${i}`, types[c] ?? 'STRING')
            return c === 'sample'
              ? renderPlain(this.adapter.dialect, this.adapter.dialect.fn.parseJson(raw(rendered)))
              : rendered
          })
          .join(', ')})`
      })
      await this.adapter.execute(
        `INSERT INTO ${this.#t('assertion_results')} (${columns.join(', ')}) VALUES\n${rows.join(',\n')}`,
        { params },
      )
    }
  }

  /** Runs of a command that started but never finished with these settings (a killed backfill), oldest first. */
  async unfinishedRuns(command: string, selection: string, fromDate: string, toDate: string): Promise<string[]> {
    const rows = await this.adapter.query<{ run_id: string }>(
      `SELECT run_id FROM ${this.#t('runs')} WHERE command = ${this.#p('command')} AND selection = ${this.#p('selection')}
  AND from_date = ${this.#p('from_date', 'DATE')} AND to_date = ${this.#p('to_date', 'DATE')} AND (finished_at IS NULL OR status <> 'succeeded')
ORDER BY started_at`,
      { params: { command, selection, from_date: fromDate, to_date: toDate } },
    )
    return rows.map((r) => r.run_id)
  }

  /** The most recent run of a mode that finished, for deploy-before-backfill checks. */
  async lastRun(mode: string): Promise<{ runId: string; buildCommitSha: string; startedAt: string } | null> {
    const rows = await this.adapter.query<{ run_id: string; build_commit_sha: string; started_at: string }>(
      `SELECT run_id, build_commit_sha, started_at FROM ${this.#t('runs')} WHERE mode = ${this.#p('mode')} AND command = 'run' AND finished_at IS NOT NULL ORDER BY started_at DESC LIMIT 1`,
      { params: { mode } },
    )
    const row = rows[0]
    return row ? { runId: row.run_id, buildCommitSha: row.build_commit_sha, startedAt: row.started_at } : null
  }
}

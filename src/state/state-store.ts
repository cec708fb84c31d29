import { hostname } from 'node:os'
import { sql } from 'kysely'
import type { Compilable } from 'kysely'
import type { DateInterval } from '../core/dates.js'
import type { Adapter, Statement } from '../engines/adapter.js'
import type { Target } from '../engines/dialect.js'
import { assertionResultStatements } from './assertion-results.js'
import { createQueryBuilder, TypedValues } from './query-builder.js'
import type { QueryBuilder } from './query-builder.js'
import type {
  ActionRunRecord,
  AssertionResultRecord,
  IntervalRun,
  LastRun,
  UnfinishedBackfill,
  RecentRun,
  RunRecord,
  UnverifiedInterval,
} from './state-records.js'
import type { StateDatabase } from './state-schema.js'
import { readStateVersion, upgradeStateSchema } from './state-upgrade.js'
import { LATEST_STATE_VERSION } from './state-migrations.js'
import type { StateUpgradeOptions, StateUpgradeResult } from './state-upgrade.js'

export type { ActionRunRecord, AssertionResultRecord, RunRecord } from './state-records.js'

/** 16 parameters a row: 200 rows stay well under BigQuery's 10,000 parameters per query. */
const ACTION_RUNS_PER_INSERT = 200

/**
 * Reads and writes the pipeline_state tables with typed Kysely queries, compiled to the adapter's
 * dialect and executed by the adapter. Values travel as named parameters, except in statements
 * that join a caller's transaction (escaped literals) and in bulk inserts (one JSON parameter).
 */
export class StateStore {
  readonly adapter: Adapter
  readonly dataset: string
  readonly #queries: QueryBuilder<StateDatabase>
  readonly #params: TypedValues
  readonly #literals: TypedValues

  constructor(adapter: Adapter, dataset: string) {
    this.adapter = adapter
    this.dataset = dataset
    this.#queries = createQueryBuilder<StateDatabase>(adapter.dialect)
    this.#params = new TypedValues(adapter.dialect, 'param')
    this.#literals = new TypedValues(adapter.dialect, 'literal')
  }

  target(name: keyof StateDatabase | string): Target {
    return { dataset: this.dataset, name }
  }

  get #tables() {
    return this.#queries.db.withSchema(this.dataset)
  }

  /**
   * Bring the state tables to the latest state version, creating the dataset when missing. When the
   * recorded version is current this is one read, no DDL (every run of a warehouse in use).
   */
  async ensure(options: StateUpgradeOptions = {}): Promise<StateUpgradeResult> {
    const found = options.found ?? (await readStateVersion(this.adapter, this.dataset))
    if (found.version >= LATEST_STATE_VERSION) return { from: found.version, to: found.version, applied: [] }
    await this.adapter.execute(this.adapter.dialect.createSchema(this.dataset))
    return upgradeStateSchema(this.adapter, this.dataset, { ...options, found })
  }

  async #execute(query: Compilable, label: string): Promise<void> {
    const statement = this.#queries.statement(query, label)
    await this.adapter.execute(statement.sql, statement)
  }

  async #rows<O>(query: Compilable<O>, label: string): Promise<O[]> {
    const statement = this.#queries.statement(query, label)
    return this.adapter.query<O & Record<string, unknown>>(statement.sql, statement)
  }

  async startRun(run: RunRecord): Promise<void> {
    const v = this.#params
    const query = this.#tables.insertInto('runs').values({
      run_id: run.runId,
      command: run.command,
      mode: run.mode,
      status: run.status,
      started_at: v.timestamp(run.startedAt),
      build_commit_sha: run.buildCommitSha,
      deployment_revision: run.deploymentRevision,
      engine: run.engine,
      selection: run.selection ?? null,
      from_date: v.date(run.fromDate ?? null),
      to_date: v.date(run.toDate ?? null),
      skip_assertions: run.skipAssertions,
      reason: run.reason ?? null,
      pid: run.pid === undefined ? process.pid : run.pid,
      host: run.host === undefined ? hostname() : run.host,
    })
    await this.#execute(query, `start run ${run.runId}`)
  }

  async finishRun(
    runId: string,
    status: string,
    finishedAt: string,
    counts: { succeeded: number; failed: number; skipped: number },
  ): Promise<void> {
    const query = this.#tables
      .updateTable('runs')
      .set({
        status,
        finished_at: this.#params.timestamp(finishedAt),
        actions_succeeded: counts.succeeded,
        actions_failed: counts.failed,
        actions_skipped: counts.skipped,
      })
      .where('run_id', '=', runId)
    await this.#execute(query, `finish run ${runId}`)
  }

  async recordActionRun(r: ActionRunRecord): Promise<void> {
    const query = this.#tables.insertInto('action_runs').values(this.#actionRunRow(r))
    await this.#execute(query, `action ${r.action}`)
  }

  /** Several action runs in as few INSERTs as the engine's parameter limits allow (BigQuery: 10,000 per query). */
  async recordActionRuns(records: readonly ActionRunRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += ACTION_RUNS_PER_INSERT) {
      const chunk = records.slice(i, i + ACTION_RUNS_PER_INSERT)
      const query = this.#tables.insertInto('action_runs').values(chunk.map((r) => this.#actionRunRow(r)))
      await this.#execute(query, `${chunk.length} action runs`)
    }
  }

  #actionRunRow(r: ActionRunRecord) {
    const v = this.#params
    return {
      run_id: r.runId,
      action: r.action,
      kind: r.kind,
      status: r.status,
      started_at: v.timestamp(r.startedAt),
      finished_at: v.timestamp(r.finishedAt),
      duration_ms: Math.round(r.durationMs),
      rows_written: r.rowsWritten,
      interval_start: v.date(r.interval?.start ?? null),
      interval_end: v.date(r.interval?.end ?? null),
      sql_hash: r.sqlHash,
      build_commit_sha: r.buildCommitSha,
      error_code: r.errorCode,
      error_message: r.errorMessage,
      skipped_because: r.skippedBecause,
      inputs_hash: r.inputsHash ?? null,
    }
  }

  /**
   * The statement recording a completed interval; runs in the same transaction as the write. Its
   * values are literals: on BigQuery a transaction is one script with one parameter set, so
   * parameters of its own could collide with the other statements' (or another interval's).
   * `verified` is false for an interval written without its assertions; omitted, it stays NULL.
   */
  intervalStatement(
    action: string,
    interval: DateInterval,
    run: IntervalRun,
    rowsWritten: number | null,
    options: { verified?: boolean } = {},
  ): Statement {
    const v = this.#literals
    const query = this.#tables.insertInto('intervals').values({
      action: v.plain(action),
      interval_start: v.date(interval.start),
      interval_end: v.date(interval.end),
      run_id: v.plain(run.runId),
      build_commit_sha: v.plain(run.buildCommitSha),
      mode: v.plain(run.mode),
      rows_written: v.plain(rowsWritten),
      completed_at: v.now(),
      ...(options.verified === undefined ? {} : { verified: v.plain(options.verified) }),
    })
    return this.#queries.statement(query)
  }

  /** Completed intervals of an action; only those written by `runIds` when given. */
  async completedIntervals(action: string, runIds?: readonly string[]): Promise<DateInterval[]> {
    let query = this.#tables
      .selectFrom('intervals')
      .select(['interval_start', 'interval_end'])
      .where('action', '=', action)
      .orderBy('interval_start')
    if (runIds?.length) query = query.where('run_id', 'in', runIds)
    const rows = await this.#rows(query, `intervals of ${action}`)
    return rows.map((r) => ({ start: r.interval_start, end: r.interval_end }))
  }

  /** Completed intervals of each action, in one read (planning); only those written by `runIds` when given. */
  async completedIntervalsOf(
    actions: readonly string[],
    runIds?: readonly string[],
  ): Promise<Map<string, DateInterval[]>> {
    const found = new Map<string, DateInterval[]>(actions.map((a) => [a, []]))
    if (actions.length === 0) return found
    let query = this.#tables
      .selectFrom('intervals')
      .select(['action', 'interval_start', 'interval_end'])
      .where('action', 'in', actions)
      .orderBy('action')
      .orderBy('interval_start')
    if (runIds?.length) query = query.where('run_id', 'in', runIds)
    for (const r of await this.#rows(query, `intervals of ${actions.length} actions`))
      found.get(r.action)?.push({ start: r.interval_start, end: r.interval_end })
    return found
  }

  /**
   * Forget completed intervals (full refresh, restatement); rows are kept in other tables. Values
   * are literals, as in `intervalStatement`, because it joins the caller's transaction.
   */
  clearIntervalsStatement(action: string, range?: DateInterval): Statement {
    const v = this.#literals
    let query = this.#tables.deleteFrom('intervals').where('action', '=', v.plain(action))
    if (range)
      query = query.where('interval_start', '>=', v.date(range.start)).where('interval_end', '<=', v.date(range.end))
    return this.#queries.statement(query)
  }

  /** The latest `completed_at` recorded (the warehouse's clock, as text), null when none is. */
  async latestCompletion(): Promise<string | null> {
    const query = this.#tables.selectFrom('intervals').select((eb) => eb.fn.max('completed_at').as('latest'))
    const [row] = await this.#rows(query, 'latest completed interval')
    return row?.latest === null || row?.latest === undefined ? null : String(row.latest)
  }

  /** Intervals of an action another run completed after `since` (null: ever), a concurrent writer's work. */
  async intervalsCompletedSince(
    action: string,
    since: string | null,
    exceptRunId: string,
  ): Promise<(DateInterval & { runId: string })[]> {
    let query = this.#tables
      .selectFrom('intervals')
      .select(['interval_start', 'interval_end', 'run_id'])
      .where('action', '=', action)
      .where('run_id', '<>', exceptRunId)
      .orderBy('interval_start')
    if (since !== null) query = query.where('completed_at', '>', this.#params.timestamp(since))
    const rows = await this.#rows(query, `recent intervals of ${action}`)
    return rows.map((r) => ({ start: r.interval_start, end: r.interval_end, runId: r.run_id }))
  }

  /** The latest runs, newest first (status from another terminal). */
  async recentRuns(limit: number): Promise<RecentRun[]> {
    const query = this.#tables
      .selectFrom('runs')
      .select(['run_id', 'command', 'mode', 'status', 'started_at', 'finished_at', 'build_commit_sha'])
      .select(['skip_assertions', 'reason', 'pid', 'host'])
      .orderBy('started_at', 'desc')
      .limit(this.#literals.plain(limit))
    return (await this.#rows(query, 'recent runs')).map((r) => ({
      runId: r.run_id,
      command: r.command,
      mode: r.mode,
      status: r.status,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      buildCommitSha: r.build_commit_sha,
      skipAssertions: r.skip_assertions,
      reason: r.reason,
      pid: r.pid === null ? null : Number(r.pid),
      host: r.host,
    }))
  }

  /**
   * Intervals written without their assertions (verified = false) and not rebuilt since, by action and
   * date, with the forcing run's reason.
   */
  async unverifiedIntervals(): Promise<UnverifiedInterval[]> {
    const query = this.#tables
      .selectFrom('intervals as i')
      .leftJoin('runs as r', 'r.run_id', 'i.run_id')
      .select(['i.action', 'i.interval_start', 'i.interval_end', 'i.run_id', 'i.build_commit_sha', 'r.reason'])
      .where('i.verified', '=', this.#literals.plain(false))
      // Rebuilt since: a later interval record of the action covers it and was not forced.
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('intervals as later')
              .select(sql.lit(1).as('one'))
              .whereRef('later.action', '=', 'i.action')
              .whereRef('later.interval_start', '<=', 'i.interval_start')
              .whereRef('later.interval_end', '>=', 'i.interval_end')
              .whereRef('later.completed_at', '>', 'i.completed_at')
              .where((eb) =>
                eb.or([eb('later.verified', 'is', null), eb('later.verified', '=', this.#literals.plain(true))]),
              ),
          ),
        ),
      )
      .orderBy('i.action')
      .orderBy('i.interval_start')
    return (await this.#rows(query, 'unverified intervals')).map((r) => ({
      action: r.action,
      interval: { start: r.interval_start, end: r.interval_end },
      runId: r.run_id,
      buildCommitSha: r.build_commit_sha,
      reason: r.reason,
    }))
  }

  /** Record that a re-check found an unverified interval's checks passing (it stays, now verified). */
  async markVerified(action: string, interval: DateInterval, runId: string): Promise<void> {
    const v = this.#params
    const query = this.#tables
      .updateTable('intervals')
      .set({ verified: v.plain(true), verified_at: v.now(), verified_by: v.plain(runId) })
      .where('action', '=', action)
      .where('interval_start', '=', v.date(interval.start))
      .where('interval_end', '=', v.date(interval.end))
      .where('verified', '=', v.plain(false))
    await this.#execute(query, `verify ${action} ${interval.start}`)
  }

  /**
   * Inputs hashes recorded by earlier evaluations of these assertions in which every check passed,
   * by assertion (one read per run).
   */
  async passedInputsHashes(actions: readonly string[]): Promise<Map<string, Set<string>>> {
    const found = new Map<string, Set<string>>()
    if (actions.length === 0) return found
    const query = this.#tables
      .selectFrom('action_runs')
      .select(['action', 'inputs_hash'])
      .distinct()
      .where('action', 'in', actions)
      .where('inputs_hash', 'is not', null)
    for (const row of await this.#rows(query, 'inputs hashes of passed assertions')) {
      if (row.inputs_hash === null) continue
      found.set(row.action, (found.get(row.action) ?? new Set()).add(row.inputs_hash))
    }
    return found
  }

  /** Insert assertion results in bulk: as few multi-row statements as the engine's statement length allows. */
  async recordAssertionResults(results: readonly AssertionResultRecord[]): Promise<void> {
    for (const statement of assertionResultStatements(this.adapter.dialect, this.dataset, results))
      await this.adapter.execute(statement.sql, statement)
  }

  /** Runs recorded as running (one may be alive elsewhere, or killed without finishing), oldest first. */
  async runningRuns(): Promise<{ runId: string; pid: number | null; host: string | null }[]> {
    const query = this.#tables
      .selectFrom('runs')
      .select(['run_id', 'pid', 'host'])
      .where('status', '=', 'running')
      .orderBy('started_at')
    const rows = await this.#rows(query, 'running runs')
    return rows.map((r) => ({ runId: r.run_id, pid: r.pid === null ? null : Number(r.pid), host: r.host }))
  }

  /** Record runs whose process died before finishing as 'interrupted' (finished_at: when that was found). */
  async markInterrupted(runIds: readonly string[], foundAt: string): Promise<void> {
    if (runIds.length === 0) return
    const query = this.#tables
      .updateTable('runs')
      .set({ status: 'interrupted', finished_at: this.#params.timestamp(foundAt) })
      .where('run_id', 'in', runIds)
      .where('status', '=', 'running')
    await this.#execute(query, `mark ${runIds.length} run(s) interrupted`)
  }

  /**
   * Runs of a command that started but never finished with these settings (a killed backfill), oldest
   * first, with the build that ran each.
   */
  async unfinishedRuns(
    command: string,
    selection: string,
    fromDate: string,
    toDate: string,
  ): Promise<{ runId: string; buildCommitSha: string }[]> {
    const v = this.#params
    const query = this.#tables
      .selectFrom('runs')
      .select(['run_id', 'build_commit_sha'])
      .where('command', '=', command)
      .where('selection', '=', selection)
      .where('from_date', '=', v.date(fromDate))
      .where('to_date', '=', v.date(toDate))
      .where((eb) => eb.or([eb('finished_at', 'is', null), eb('status', '<>', 'succeeded')]))
      .orderBy('started_at')
    return (await this.#rows(query, `unfinished ${command} runs`)).map((r) => ({
      runId: r.run_id,
      buildCommitSha: r.build_commit_sha,
    }))
  }

  /**
   * Backfills that started and never succeeded (killed, failed) whose range overlaps [fromDate, toDate],
   * newest first: what the deploy gate names when a newer build is refused.
   */
  async unfinishedBackfills(fromDate: string, toDate: string): Promise<UnfinishedBackfill[]> {
    const v = this.#params
    const query = this.#tables
      .selectFrom('runs')
      .select(['run_id', 'build_commit_sha', 'from_date', 'to_date', 'selection', 'status'])
      .where('command', '=', 'backfill')
      .where('from_date', '<=', v.date(toDate))
      .where('to_date', '>=', v.date(fromDate))
      .where((eb) => eb.or([eb('finished_at', 'is', null), eb('status', '<>', 'succeeded')]))
      .orderBy('started_at', 'desc')
    return (await this.#rows(query, 'unfinished backfills')).map((r) => ({
      runId: r.run_id,
      buildCommitSha: r.build_commit_sha,
      fromDate: String(r.from_date).slice(0, 10),
      toDate: String(r.to_date).slice(0, 10),
      selection: r.selection,
      status: r.status,
    }))
  }

  /** The latest finished `run` of a mode by one build, whatever its outcome (null when it never ran). */
  async lastRunOfBuild(mode: string, buildCommitSha: string): Promise<(LastRun & { status: string }) | null> {
    const query = this.#tables
      .selectFrom('runs')
      .select(['run_id', 'build_commit_sha', 'started_at', 'status'])
      .where('mode', '=', mode)
      .where('command', '=', 'run')
      .where('build_commit_sha', '=', buildCommitSha)
      .where('finished_at', 'is not', null)
      .orderBy('started_at', 'desc')
      .limit(this.#literals.plain(1))
    const row = (await this.#rows(query, `last ${mode} run of a build`))[0]
    return row
      ? { runId: row.run_id, buildCommitSha: row.build_commit_sha, startedAt: row.started_at, status: row.status }
      : null
  }

  /**
   * The most recent run of a mode that finished and succeeded, for deploy-before-backfill checks: a
   * failed daily run does not show a build was deployed and works.
   */
  async lastRun(mode: string): Promise<LastRun | null> {
    const query = this.#tables
      .selectFrom('runs')
      .select(['run_id', 'build_commit_sha', 'started_at'])
      .where('mode', '=', mode)
      .where('command', '=', 'run')
      .where('finished_at', 'is not', null)
      .where('status', '=', 'succeeded')
      .orderBy('started_at', 'desc')
      .limit(this.#literals.plain(1))
    const row = (await this.#rows(query, `last ${mode} run`))[0]
    return row ? { runId: row.run_id, buildCommitSha: row.build_commit_sha, startedAt: row.started_at } : null
  }
}

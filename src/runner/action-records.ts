import type { StateStore } from '../state/state-store.js'
import type { ActionRunRecord, AssertionResultRecord } from '../state/state-records.js'
import type { Profiler } from './profile.js'
import type { ActionResult, CheckResult } from './result.js'
import type { RunInfo } from './run-info.js'

/**
 * The bookkeeping rows of finished actions (pipeline_state.action_runs and assertion_results). An
 * action that wrote rows, failed or has a failing check is recorded at once, together with the rows
 * held so far; one that only read and passed (a declaration, a passing or up-to-date assertion) is
 * held and recorded with the next, or when the schedule ends. A run with nothing to build then sends
 * one INSERT per table instead of one per action; a run killed part-way loses only the rows of actions
 * that wrote nothing and found nothing wrong (the next run evaluates them again), or of the one whose
 * rows were being written.
 *
 * Writes go in the background, one after another, so the actions that depend on the one recorded do
 * not wait for its bookkeeping (DuckDB's automatic checkpoint often falls on these commits). The first
 * write that fails rejects `failed`, which the scheduler races so that the run stops with that error.
 */
export class ActionRecords {
  readonly #state: StateStore
  readonly #run: RunInfo
  readonly #profiler: Profiler | undefined
  #runs: ActionRunRecord[] = []
  #checks: AssertionResultRecord[] = []
  #writing: Promise<void> = Promise.resolve()
  #reject: (error: unknown) => void = () => undefined
  /** Rejects with the error of the first bookkeeping write that failed; never resolves. */
  readonly failed: Promise<never>

  constructor(state: StateStore, run: RunInfo, profiler?: Profiler) {
    this.#state = state
    this.#run = run
    this.#profiler = profiler
    this.failed = new Promise<never>((_, reject) => {
      this.#reject = reject
    })
    this.failed.catch(() => undefined)
  }

  /** Hold the action's rows, or start writing them (and all held) when it wrote, failed or found a failure. */
  add(result: ActionResult): void {
    const finishedAt = new Date().toISOString()
    this.#runs.push(actionRunRecord(result, this.#run, finishedAt))
    this.#checks.push(...result.checks.map((c) => checkRecord(c, this.#run, finishedAt)))
    const now = (result.rowsWritten ?? 0) > 0 || result.status === 'failed' || result.checks.some((c) => !c.passed)
    if (now) this.#send(result.name)
  }

  /** Write every held row (one INSERT per table, more only beyond the engine's statement limits) and wait for all writes. */
  async flush(): Promise<void> {
    this.#send('(held)')
    await this.#writing
  }

  #send(action: string): void {
    const runs = this.#runs
    const checks = this.#checks
    this.#runs = []
    this.#checks = []
    if (runs.length === 0 && checks.length === 0) return
    const write = async () => {
      await this.#state.recordActionRuns(runs)
      await this.#state.recordAssertionResults(checks)
    }
    const profiler = this.#profiler
    // After a failed write the later ones are not sent: the chain stays rejected with the first error.
    this.#writing = this.#writing.then(() => (profiler ? profiler.inScope({ kind: 'state', action }, write) : write()))
    this.#writing.catch((error: unknown) => this.#reject(error))
  }
}

function actionRunRecord(result: ActionResult, run: RunInfo, finishedAt: string): ActionRunRecord {
  const first = result.intervals[0]
  const last = result.intervals.at(-1)
  return {
    runId: run.id,
    action: result.name,
    kind: result.kind,
    status: result.status,
    startedAt: new Date(Date.parse(finishedAt) - result.durationMs).toISOString(),
    finishedAt,
    durationMs: result.durationMs,
    rowsWritten: result.rowsWritten,
    interval: first && last ? { start: first.start, end: last.end } : null,
    sqlHash: result.sqlHash,
    buildCommitSha: run.buildCommitSha,
    errorCode: result.error?.code ?? null,
    errorMessage: result.error?.message ?? null,
    skippedBecause: result.skippedBecause ?? null,
    inputsHash: result.inputsHash ?? null,
  }
}

export function checkRecord(c: CheckResult, run: RunInfo, evaluatedAt: string): AssertionResultRecord {
  return {
    runId: run.id,
    assertion: c.assertion,
    action: c.action,
    builtin: c.builtin,
    partition: c.partition,
    observed: c.observed,
    threshold: c.threshold,
    rowCount: c.rowCount,
    severity: c.severity,
    passed: c.passed,
    skipped: c.skipped,
    message: c.message,
    sample: c.sample.length ? JSON.stringify(c.sample.slice(0, 20)) : null,
    buildCommitSha: run.buildCommitSha,
    evaluatedAt,
  }
}

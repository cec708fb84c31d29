import type { DateInterval, IsoDate } from '../core/dates.js'
import { PipelineError } from '../core/errors.js'
import type { CompiledAction } from '../compiler/compiled.js'
import type { Adapter, ParamValue, Statement } from '../engines/adapter.js'
import type { StateStore } from '../state/state-store.js'
import { compareColumns } from '../engines/column-contract.js'
import { INTERVAL_START } from '../engines/dialect.js'
import { inSession } from '../engines/session-scope.js'
import { blockingFailures, runChecks } from './evaluate-checks.js'
import { firstFailingDate, paramsBefore, statementsBefore, stoppedMessage } from './partial-publish.js'
import type { CheckResult, RunEvent } from './result.js'
import type { LeaseAction } from './action-lease.js'
import type { Profiler } from './profile.js'
import type { RunInfo } from './run-info.js'
import { hashSql } from './run-params.js'
import type { InputsTracker } from './up-to-date.js'
import type { Catalog } from './catalog.js'
import type { ActionPlan, BatchPlan, DescribeStep, Step } from './steps.js'

/** What executing a plan needs: where to send statements and where to record state. */
export interface ExecutorEnv {
  readonly adapter: Adapter
  readonly state: StateStore
  readonly run: RunInfo
  /** Intervals written without their audits are recorded unverified (`--skip-assertions`). */
  readonly skipAssertions: boolean
  readonly onEvent: (event: RunEvent) => void
  /** With `run --profile`: attributes each step's statements to its role and action (the adapter is wrapped). */
  readonly profiler?: Profiler
  /** Takes the action's write lease before its first batch (BigQuery: other processes may write too). */
  readonly leaseAction?: LeaseAction
  /** Standalone assertions whose checks and inputs are unchanged since they passed are not evaluated again. */
  readonly inputs?: InputsTracker
  /** The catalogue read while planning (`adapter` answers from it); told when each action starts. */
  readonly catalog?: Catalog
}

export interface ActionOutcome {
  rowsWritten: number | null
  intervals: DateInterval[]
  checks: CheckResult[]
  sqlHash: string | null
  error?: PipelineError
  /** Problems that did not fail the action but must not vanish (e.g. a failing onFailure hook). */
  warnings: string[]
}

export class ActionFailedError extends PipelineError {}

interface BatchState {
  readonly action: CompiledAction
  readonly batch: BatchPlan
  /** Steps keeping the staged rows for inspection when the batch fails after staging (session staging). */
  readonly keep: readonly Step[]
  /** The batch's stage step completed: its rows are in the staging table. */
  staged: boolean
  /** A beforeBatch hook of the batch was sent: a batch that ends unpublished runs its onFailure hooks. */
  hooked: boolean
  /** Checks since the last gate. */
  pending: CheckResult[]
  rows: number | null
  /** Set when the audit failed from this date on: the steps after the gate publish the dates before it. */
  stopAt: { readonly date: IsoDate; readonly message: string } | null
}

/** Run an action's plan, batch by batch; an engine error or a failed gate becomes the outcome's error. */
export async function executePlan(plan: ActionPlan, env: ExecutorEnv): Promise<ActionOutcome> {
  const { action } = plan
  const outcome: ActionOutcome = {
    rowsWritten: null,
    intervals: [],
    checks: [],
    sqlHash: hashSql(action.sql.query ?? action.sql.statements?.join(';\n')),
    warnings: [],
  }
  let lease: Awaited<ReturnType<LeaseAction>> = null
  try {
    lease = (await env.leaseAction?.(plan)) ?? null
    // Staged in a connection-private table: every statement of the action on one connection, or, when
    // batches overlap, every statement of a batch on that batch's connection.
    await (plan.sessionStaging?.overlap
      ? runOverlapped(plan, plan.sessionStaging.overlap.discard, env, outcome, lease)
      : plan.sessionStaging
        ? inSession(() => runBatches(plan, env, outcome, lease))
        : runBatches(plan, env, outcome, lease))
  } catch (error) {
    outcome.error =
      error instanceof PipelineError
        ? error
        : new PipelineError('action-failed', error instanceof Error ? error.message : String(error), { cause: error })
  } finally {
    await lease?.release().catch((error: unknown) => {
      outcome.warnings.push(`${action.name}: its lease was not released (${String(error)}); it expires on its own`)
    })
  }
  return outcome
}

function newBatchState(plan: ActionPlan, batch: BatchPlan): BatchState {
  return {
    action: plan.action,
    batch,
    keep: plan.sessionStaging?.keep ?? [],
    staged: false,
    hooked: false,
    pending: [],
    rows: null,
    stopAt: null,
  }
}

/** A batch done: its interval and rows join the outcome, and progress is reported. */
function batchDone(state: BatchState, env: ExecutorEnv, outcome: ActionOutcome, done: number, total: number): void {
  const { batch, action } = state
  if (batch.interval) {
    outcome.intervals.push(batch.interval)
    outcome.rowsWritten = (outcome.rowsWritten ?? 0) + (state.rows ?? 0)
    env.onEvent({ type: 'batch', name: action.name, interval: batch.interval, done, total, rows: state.rows ?? 0 })
  } else if (state.rows !== null) {
    outcome.rowsWritten = state.rows
  }
}

/** A batch started in its own session: its steps up to the stage run at once, the rest when its turn comes. */
interface OverlappedBatch {
  /** Whether the batch's steps up to its stage succeeded, once they finished. */
  readonly staged: Promise<boolean>
  /** Run the rest of the batch (the audit, publish and the rest); rejects with the batch's failure. */
  proceed(): Promise<void>
  /** An earlier batch failed with `reason`: drop this one's staged rows, unaudited (its onFailure hooks run if its beforeBatch hooks did). */
  discard(reason: string): Promise<void>
}

/**
 * Batches of an action whose batches are independent (ActionPlan.sessionStaging.overlap): batch i+1 is
 * staged on its own connection while batch i is audited and published, so the second core has work;
 * audits and publishes still run one batch after another, in order, and a failed batch stops the action
 * before any later one is audited or published (its staged rows are dropped; it never ran a hook).
 */
async function runOverlapped(
  plan: ActionPlan,
  discardSteps: readonly Step[],
  env: ExecutorEnv,
  outcome: ActionOutcome,
  lease: Awaited<ReturnType<LeaseAction>>,
): Promise<void> {
  const total = plan.batches.length
  const start = (index: number): OverlappedBatch => {
    const batch = plan.batches[index]!
    const state = newBatchState(plan, batch)
    const stageAt = batch.steps.findIndex((s) => s.role === 'stage')
    const head = batch.steps.slice(0, stageAt + 1)
    const rest = batch.steps.slice(stageAt + 1)
    let turn: (go: string | null) => void = () => undefined
    // null: the batch's turn came; a text: an earlier batch failed for that reason.
    const go = new Promise<string | null>((resolve) => {
      turn = resolve
    })
    let stagedDone: (ok: boolean) => void = () => undefined
    const staged = new Promise<boolean>((resolve) => {
      stagedDone = resolve
    })
    const work = inSession(async () => {
      const headFailure = await runSteps(head, state, env, outcome).then(
        () => null,
        (error: unknown) => ({ error }),
      )
      stagedDone(headFailure === null)
      const stopped = await go
      if (stopped !== null) {
        if (state.staged) for (const step of discardSteps) await runStep(step, state, env, outcome)
        if (state.hooked) await runFailureHooks(state, env, outcome, stopped)
        return
      }
      const position = { done: index + 1, total }
      await runBatch(state, env, outcome, position, rest, headFailure)
      batchDone(state, env, outcome, index + 1, total)
    })
    work.catch(() => undefined)
    return {
      staged,
      proceed: () => {
        turn(null)
        return work
      },
      discard: (reason: string) => {
        turn(reason)
        return work.catch(() => undefined)
      },
    }
  }
  let current = start(0)
  for (let index = 0; index < total; index++) {
    // The next batch starts once this one is staged; when its stage failed, this batch fails first.
    const next = (await current.staged) && index + 1 < total ? start(index + 1) : null
    try {
      if (index > 0) await lease?.renew()
      await current.proceed()
    } catch (error) {
      const where = plan.batches[index]?.interval
      const reason = `not audited or published: the batch before it${where ? ` (${where.start}..${where.end} exclusive)` : ''} failed: ${error instanceof Error ? error.message : String(error)}`
      await next?.discard(reason)
      throw error
    }
    if (next) current = next
  }
}

async function runSteps(
  steps: readonly Step[],
  state: BatchState,
  env: ExecutorEnv,
  outcome: ActionOutcome,
): Promise<void> {
  for (const step of steps) {
    if (state.stopAt && step.kind === 'execute' && step.isCleanup) continue
    if (step.role === 'hook') state.hooked = true
    await runStep(step, state, env, outcome)
    if (step.role === 'stage') state.staged = true
  }
}

async function runBatches(
  plan: ActionPlan,
  env: ExecutorEnv,
  outcome: ActionOutcome,
  lease: Awaited<ReturnType<LeaseAction>>,
): Promise<void> {
  for (const [index, batch] of plan.batches.entries()) {
    const state = newBatchState(plan, batch)
    if (index > 0) await lease?.renew()
    await runBatch(state, env, outcome, { done: index + 1, total: plan.batches.length }, batch.steps, null)
    batchDone(state, env, outcome, index + 1, plan.batches.length)
  }
}

/**
 * Run a batch's `steps` (all of them, or those after its stage when the stage already ran); `headFailure`
 * is the failure of the steps that ran before, handled as if it happened here.
 */
async function runBatch(
  state: BatchState,
  env: ExecutorEnv,
  outcome: ActionOutcome,
  position: { done: number; total: number },
  steps: readonly Step[],
  headFailure: { readonly error: unknown } | null,
): Promise<void> {
  try {
    if (headFailure) throw headFailure.error
    await runSteps(steps, state, env, outcome)
    if (state.stopAt) await stopPartWay(state, state.stopAt, env, outcome, position)
  } catch (error) {
    if (state.staged) await keepStaged(state, env, outcome)
    await runFailureHooks(state, env, outcome, error instanceof Error ? error.message : String(error))
    throw error
  }
}

/** The batch failed (or was stopped): its onFailure hooks, with @error_message bound to `reason`. */
async function runFailureHooks(
  state: BatchState,
  env: ExecutorEnv,
  outcome: ActionOutcome,
  reason: string,
): Promise<void> {
  const params = { ...state.batch.params, error_message: reason.slice(0, 1000) }
  for (const step of state.batch.onFailure) {
    // The batch already failed; a failing failure hook is reported beside that error, never swallowed.
    await runStep(step, { ...state, batch: { ...state.batch, params } }, env, outcome).catch((hookError: unknown) => {
      const text = `${state.action.name}: ${step.label} failed after the batch failed: ${hookError instanceof Error ? hookError.message : String(hookError)}`
      outcome.warnings.push(text)
      env.onEvent({ type: 'warning', name: state.action.name, message: text })
    })
  }
}

/** The batch failed after staging: keep its staged rows for inspection (a failure here is reported, not thrown). */
async function keepStaged(state: BatchState, env: ExecutorEnv, outcome: ActionOutcome): Promise<void> {
  for (const step of state.keep) {
    await runStep(step, state, env, outcome).catch((keepError: unknown) => {
      const text = `${state.action.name}: the staged rows were not kept for inspection: ${keepError instanceof Error ? keepError.message : String(keepError)}`
      outcome.warnings.push(text)
      env.onEvent({ type: 'warning', name: state.action.name, message: text })
    })
  }
}

/**
 * After the dates before `stopAt` were published: record them, stage the failed dates' rows again for
 * inspection (the trim removed them), and stop the batch with the audit's failure.
 */
async function stopPartWay(
  state: BatchState,
  stopAt: NonNullable<BatchState['stopAt']>,
  env: ExecutorEnv,
  outcome: ActionOutcome,
  position: { done: number; total: number },
): Promise<void> {
  const { batch, action } = state
  if (!batch.interval) return
  const published = { start: batch.interval.start, end: stopAt.date }
  outcome.intervals.push(published)
  outcome.rowsWritten = (outcome.rowsWritten ?? 0) + (state.rows ?? 0)
  env.onEvent({ type: 'batch', name: action.name, interval: published, ...position, rows: state.rows ?? 0 })
  const stage = batch.steps.find((s) => s.role === 'stage' && s.kind === 'execute')
  if (stage?.kind === 'execute') {
    const params = { ...batch.params, [INTERVAL_START]: stopAt.date }
    await env.adapter.execute(stage.sql, {
      params,
      label: `${action.name}: stage the failed dates for inspection`,
      ...(stage.privateWrite ? { privateWrite: true } : {}),
    })
  }
  throw new ActionFailedError('assertion-failed', stopAt.message)
}

function label(state: BatchState, step: Step): string {
  return `${state.action.name}: ${step.label}`
}

function runStep(step: Step, state: BatchState, env: ExecutorEnv, outcome: ActionOutcome): Promise<void> {
  if (!env.profiler) return sendStep(step, state, env, outcome)
  const scope = { kind: step.role, action: state.action.name, label: step.label }
  return env.profiler.inScope(scope, () => sendStep(step, state, env, outcome))
}

async function sendStep(step: Step, state: BatchState, env: ExecutorEnv, outcome: ActionOutcome): Promise<void> {
  const { adapter } = env
  const params = state.stopAt ? paramsBefore(state.batch.params, state.stopAt.date) : state.batch.params
  switch (step.kind) {
    case 'execute':
      await adapter.execute(step.sql, {
        params,
        label: label(state, step),
        ...(step.privateWrite ? { privateWrite: true } : {}),
      })
      return
    case 'transaction':
      await adapter.transaction(transactionStatements(step.statements, step.records, state, env))
      return
    case 'describe':
      await describe(step, state, env)
      return
    case 'copy':
      await adapter.copyTable(step.from, step.to, { label: label(state, step) })
      return
    case 'checks': {
      const results = await runChecks(step.checks, step.statements, adapter, params)
      state.pending.push(...results)
      outcome.checks.push(...results)
      return
    }
    case 'gate': {
      const interval = state.batch.interval
      const stopAt = step.publishBefore && interval ? firstFailingDate(state.pending, interval) : null
      if (step.publishBefore && interval && stopAt) {
        const trim = { ...state.batch.params, [INTERVAL_START]: stopAt }
        await adapter.execute(step.publishBefore.trimSql, { params: trim, label: label(state, step) })
        state.stopAt = { date: stopAt, message: stoppedMessage(state.pending, interval, stopAt) }
      } else failIfBlocked(state.pending, step.where)
      state.pending = []
      return
    }
    case 'verify': {
      const n = await countOf(adapter, step.sql, params, label(state, step))
      if (n > 0) throw new ActionFailedError(step.code, step.failure(n))
      return
    }
    case 'count':
      state.rows = await countOf(adapter, step.sql, params, label(state, step))
      return
  }
}

function transactionStatements(
  statements: readonly Statement[],
  records: DateInterval | undefined,
  state: BatchState,
  env: ExecutorEnv,
): Statement[] {
  const stopAt = state.stopAt?.date
  const bound = stopAt ? statementsBefore(statements, stopAt) : [...statements]
  if (!records) return bound
  const run = { runId: env.run.id, buildCommitSha: env.run.buildCommitSha, mode: env.run.mode }
  const verified = { verified: !env.skipAssertions }
  const done = stopAt ? { start: records.start, end: stopAt } : records
  return [...bound, env.state.intervalStatement(state.action.name, done, run, state.rows, verified)]
}

async function countOf(
  adapter: Adapter,
  sql: string,
  params: Readonly<Record<string, ParamValue>>,
  statementLabel: string,
): Promise<number> {
  const [row] = await adapter.query<{ n: number }>(sql, { params, label: statementLabel })
  return Number(row?.n ?? 0)
}

async function describe(step: DescribeStep, state: BatchState, env: ExecutorEnv): Promise<void> {
  const live = await env.adapter.describeTable(step.target)
  const { action } = state
  const name = `${step.target.dataset}.${step.target.name}`
  if (step.mode === 'source') {
    if (!live) {
      throw new ActionFailedError(
        'source-missing',
        `Source "${name}" (${action.file}) does not exist; load it, or run "pipeline seed" for the sample warehouse`,
      )
    }
    const missing = (step.columns ?? []).filter((c) => !live.some((l) => l.name === c.name))
    if (missing.length)
      throw new ActionFailedError(
        'source-columns-missing',
        `Source "${name}" lacks column(s) ${missing.map((c) => `"${c.name}"`).join(', ')}`,
      )
    return
  }
  const problems = compareColumns(live ?? [], step.columns ?? [])
  if (problems.length) {
    throw new ActionFailedError(
      'contract-mismatch',
      `Action "${action.name}" (${action.file}): output does not match its columns contract: ${problems.join('; ')}; fix the query or the contract (and add a migration for a persistent table)`,
    )
  }
}

function failIfBlocked(checks: readonly CheckResult[], where: string): void {
  const failures = blockingFailures(checks)
  if (failures.length === 0) return
  const first = failures
    .slice(0, 3)
    .map((f) => f.message)
    .join('; ')
  throw new ActionFailedError(
    'assertion-failed',
    `${failures.length} error-severity check(s) failed on ${where}; nothing was published: ${first}`,
  )
}

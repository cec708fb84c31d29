import { closure, dependentsIndex } from '../core/graph.js'
import { executePlan } from './executor.js'
import type { ExecutorEnv } from './executor.js'
import { ActionRecords } from './action-records.js'
import type { ActionResult } from './result.js'
import { hashSql } from './run-params.js'
import type { ActionPlan } from './steps.js'
import type { InputsTracker } from './up-to-date.js'
import { passedEveryCheck } from './up-to-date.js'

/**
 * The order actions run in with a concurrency of 1: repeatedly the first action (in the given order)
 * whose selected dependencies are done. Plans are listed, and dry runs printed, in this order.
 */
export function executionOrder<T extends { readonly name: string; readonly dependencies: readonly string[] }>(
  actions: readonly T[],
): T[] {
  const names = new Set(actions.map((a) => a.name))
  const done = new Set<string>()
  const pending = [...actions]
  const order: T[] = []
  while (pending.length) {
    const index = pending.findIndex((a) => a.dependencies.every((d) => !names.has(d) || done.has(d)))
    // A cycle cannot compile; keep the rest in their given order rather than loop.
    const [next] = pending.splice(index === -1 ? 0 : index, 1)
    if (!next) break
    order.push(next)
    done.add(next.name)
  }
  return order
}

/**
 * Run action plans as their dependencies allow, at most `concurrency` at once. A failed action skips
 * its dependents (naming it); results come back in plan order, never thrown.
 */
export async function schedulePlans(
  plans: readonly ActionPlan[],
  env: ExecutorEnv,
  concurrency: number,
): Promise<ActionResult[]> {
  const actions = plans.map((p) => p.action)
  const names = new Set(actions.map((a) => a.name))
  const pending = new Map(plans.map((p) => [p.action.name, p]))
  const dependents = dependentsIndex(
    actions.map((a) => ({ name: a.name, dependencies: a.dependencies.filter((d) => names.has(d)) })),
  )
  const waitingOn = new Map(actions.map((a) => [a.name, new Set(a.dependencies.filter((d) => names.has(d)))]))
  const results = new Map<string, ActionResult>()
  const running = new Map<string, Promise<void>>()
  const upstreamFailed = new Map<string, string>()
  const byName = new Map(actions.map((a) => [a.name, a]))
  const records = new ActionRecords(env.state, env.run, env.profiler)
  const settle = (result: ActionResult) => {
    results.set(result.name, result)
    if (result.kind === 'operation') env.inputs?.forgetVersions()
    for (const next of dependents.get(result.name) ?? []) waitingOn.get(next)?.delete(result.name)
    if (result.status !== 'failed' && result.skippedBecause === undefined) return
    const cause = result.skippedBecause ?? result.name
    for (const name of closure([result.name], (n) => dependents.get(n) ?? [])) {
      const plan = pending.get(name)
      // Monitors only read: they run on what the tables hold even when an upstream failed.
      if (plan && isMonitor(plan)) upstreamFailed.set(name, cause)
      if (!plan || isMonitor(plan)) continue
      pending.delete(name)
      for (const next of dependents.get(name) ?? []) waitingOn.get(next)?.delete(name)
      const skipped: ActionResult = {
        name,
        kind: plan.action.kind,
        status: 'skipped',
        durationMs: 0,
        rowsWritten: null,
        intervals: [],
        skippedBecause: cause,
        checks: [],
        sqlHash: null,
      }
      results.set(name, skipped)
      env.onEvent({ type: 'action-end', result: skipped })
    }
  }
  while (pending.size || running.size) {
    for (const [name, plan] of [...pending]) {
      if (running.size >= concurrency) break
      if ((waitingOn.get(name)?.size ?? 0) > 0) continue
      pending.delete(name)
      // From here on the action may write its relation: the catalogue no longer answers for it.
      env.catalog?.willRun(plan.action)
      running.set(
        name,
        runMonitorOrOne(plan, env, upstreamFailed.get(name), byName).then((result) => {
          running.delete(name)
          // Recorded in the background: its dependents need not wait for the bookkeeping rows.
          records.add(result)
          settle(result)
          env.onEvent({ type: 'action-end', result })
        }),
      )
    }
    // A state write failing is unrecoverable: race rejects and the run stops with that error.
    if (running.size) await Promise.race([...running.values(), records.failed])
    else if (pending.size) throw new Error(`scheduler stalled with ${[...pending.keys()].join(', ')} waiting`)
  }
  await records.flush()
  return actions.flatMap((a) => {
    const result = results.get(a.name)
    return result ? [result] : []
  })
}

/**
 * A monitor whose upstream failed still runs on what the tables hold; when a table it reads was never
 * built there is nothing to observe, and it is skipped naming the failure.
 */
async function runMonitorOrOne(
  plan: ActionPlan,
  env: ExecutorEnv,
  upstreamCause: string | undefined,
  byName: ReadonlyMap<string, ActionPlan['action']>,
): Promise<ActionResult> {
  if (upstreamCause !== undefined) {
    for (const dependency of plan.action.dependencies) {
      const target = byName.get(dependency)?.target
      if (target && !(await env.adapter.tableExists(target)))
        return {
          name: plan.action.name,
          kind: plan.action.kind,
          status: 'skipped',
          durationMs: 0,
          rowsWritten: null,
          intervals: [],
          skippedBecause: upstreamCause,
          checks: [],
          sqlHash: null,
        }
    }
  }
  return env.inputs?.bounded(plan) ? runUnlessUpToDate(plan, env, env.inputs) : runOne(plan, env)
}

/**
 * A standalone assertion whose checks and inputs are those of an earlier evaluation that passed every
 * check is reported up to date without reading the tables again; otherwise it runs, and its key is
 * recorded when every check passes.
 */
async function runUnlessUpToDate(plan: ActionPlan, env: ExecutorEnv, inputs: InputsTracker): Promise<ActionResult> {
  const { action } = plan
  const started = performance.now()
  const readKey = () => inputs.key(plan)
  const reading = env.profiler
    ? env.profiler.inScope({ kind: 'introspection', action: action.name, label: 'inputs' }, readKey)
    : readKey()
  if (!inputs.passedOnce(action.name)) {
    // Never passed before (a new warehouse): it runs whatever the key; the key is read meanwhile, on
    // inputs nothing writes any more (its dependencies finished).
    const [key, result] = await Promise.all([reading, runOne(plan, env)])
    return passedEveryCheck(result) ? { ...result, inputsHash: key } : result
  }
  const key = await reading
  if (inputs.passedBefore(action.name, key)) {
    env.onEvent({ type: 'action-start', name: action.name })
    return {
      name: action.name,
      kind: action.kind,
      status: 'succeeded',
      durationMs: Math.round(performance.now() - started),
      rowsWritten: null,
      intervals: [],
      checks: [],
      sqlHash: hashSql(action.sql.query ?? action.sql.statements?.join(';\n')),
      inputsHash: key,
      upToDate: true,
    }
  }
  const result = await runOne(plan, env)
  return passedEveryCheck(result) ? { ...result, inputsHash: key } : result
}

function isMonitor(plan: ActionPlan): boolean {
  return plan.action.kind === 'assertion' && plan.action.definition.monitor
}

async function runOne(plan: ActionPlan, env: ExecutorEnv): Promise<ActionResult> {
  const { action } = plan
  env.onEvent({ type: 'action-start', name: action.name })
  const started = performance.now()
  const outcome = await executePlan(plan, env)
  return {
    name: action.name,
    kind: action.kind,
    status: outcome.error ? 'failed' : 'succeeded',
    durationMs: Math.round(performance.now() - started),
    rowsWritten: outcome.rowsWritten,
    intervals: outcome.intervals,
    checks: outcome.checks,
    sqlHash: outcome.sqlHash,
    ...(outcome.error ? { error: { code: outcome.error.code, message: outcome.error.message } } : {}),
    ...(outcome.warnings.length ? { warnings: outcome.warnings } : {}),
  }
}

import type { CompiledIncremental } from '../compiler/compiled.js'
import type { DateInterval } from '../core/dates.js'
import { auditSteps, contractSteps } from './plan-checks.js'
import type { PlanEnv } from './plan-env.js'
import { batchParams, relationKey } from './plan-env.js'
import { countRowsSql, selectWithTracking, stagingTarget, tableLayout } from './staging.js'
import type { ActionPlan, BatchPlan, ExecuteStep, Step } from './steps.js'
import { writeStrategyFor } from './strategies/index.js'
import type { WriteStrategy } from './strategies/index.js'
import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
import type { Target } from '../engines/dialect.js'

/**
 * --full-refresh: drop the table and forget its intervals, in one transaction where DDL is
 * transactional. Elsewhere (BigQuery refuses DDL on a permanent table inside a transaction) the
 * intervals are forgotten first, then the table dropped: a crash between the two leaves a table
 * whose dates are all rebuilt, never recorded dates without their rows.
 */
function fullRefreshSteps(action: CompiledIncremental, env: PlanEnv): Step[] {
  const { dialect } = env
  const drop = { sql: dialect.dropTable(action.target) }
  const forget = env.clearIntervals(action.name)
  if (dialect.capabilities.supportsTransactionalDdl)
    return [
      {
        kind: 'transaction',
        role: 'setup',
        label: 'full refresh: drop the table and forget its intervals',
        statements: [drop, forget],
      },
    ]
  return [
    { kind: 'transaction', role: 'setup', label: 'full refresh: forget the intervals', statements: [forget] },
    { kind: 'execute', role: 'setup', label: 'full refresh: drop the table', sql: drop.sql },
  ]
}

/** Everything an incremental action sends: setup, then stage → audit → publish per batch, then cleanup. */
export function planIncremental(action: CompiledIncremental, env: PlanEnv): ActionPlan {
  const plan = env.intervals.get(action.name)
  if (!plan || plan.batches.length === 0) return { action, range: plan?.range ?? null, batches: [] }
  const { dialect } = env
  const kept = stagingTarget(dialect, action.target, env.run.id)
  const session = dialect.sessionStaging
  const staging = session ? session.table(action.target) : kept
  const strategy = writeStrategyFor(action, dialect, staging)
  const live = env.fullRefresh ? null : (env.relations.get(relationKey(action.target)) ?? null)
  const contract = action.definition.columns
  // DuckDB: a live table's schema exists, no statement for it (each write there waits for the writes before it).
  const setup: Step[] =
    live && session
      ? []
      : [
          {
            kind: 'execute',
            role: 'setup',
            label: `schema ${action.target.dataset}`,
            sql: dialect.createSchema(action.target.dataset),
          },
        ]
  if (env.fullRefresh) setup.push(...fullRefreshSteps(action, env))
  if (!live && contract) {
    setup.push({
      kind: 'execute',
      role: 'setup',
      label: 'create table',
      sql: dialect.createTable(action.target, contract, tableLayout(action)),
    })
  }
  const exists = live !== null || contract !== undefined
  // Insert by name: the contract's columns, else the live table's; a table created from the first batch takes them all.
  const columns = contract?.map((c) => c.name) ?? live?.map((c) => c.name) ?? null
  const query = exists || !action.sql.fullQuery ? action.sql.query : action.sql.fullQuery
  const stage = (select: string) =>
    session ? session.createAs(staging, select) : dialect.createStagingTableAs(staging, select)
  const parts = { action, env, strategy, staging, stage, query, columns, createFromFirst: !exists }
  const batches = plan.batches.map((interval, index) => planBatch(parts, interval, index))
  const drop = (target: Target, label: string): ExecuteStep => ({
    kind: 'execute',
    role: 'setup',
    label,
    sql: dialect.dropTable(target),
    isCleanup: true,
  })
  // With session staging, the persistent staging table holds only the rows an earlier failed run kept: the
  // last publish drops it in its transaction, and the connection-private staging table is dropped after it
  // without waiting for the warehouse's writes.
  const dropStaging = session ? { ...drop(staging, 'drop staging'), privateWrite: true } : drop(staging, 'drop staging')
  const cleanup = [dropStaging]
  // Overlapping batches stage on a connection each: a batch drops its own staged rows once published.
  const overlap = session && batches.length > 1 && batchesIndependent(action, dialect, query)
  const discard: Step[] = overlap ? [dropStaging] : []
  const last = batches.length - 1
  const withEnds = batches.map((batch, i) => ({
    ...batch,
    steps: [
      ...(i === 0 ? setup : []),
      ...(i === last && session ? dropKeptOnPublish(batch.steps, dialect.dropTable(kept)) : batch.steps),
      ...(i === last ? cleanup : discard),
    ],
  }))
  const sessionStaging = session
    ? { keep: keepStagedSteps(env, staging, kept), ...(overlap ? { overlap: { discard } } : {}) }
    : undefined
  return { action, range: plan.range, batches: withEnds, ...(sessionStaging ? { sessionStaging } : {}) }
}

/** The publish of the last batch also drops the rows an earlier failed run kept for inspection. */
function dropKeptOnPublish(steps: readonly Step[], dropSql: string): Step[] {
  return steps.map((step) =>
    step.kind === 'transaction' && step.records
      ? { ...step, statements: [...step.statements, { sql: dropSql }] }
      : step,
  )
}

/**
 * A later batch's stage may run while an earlier batch is audited and published when it cannot read what
 * that publish writes: the definition says so (interval.independentBatches), or the query does not name
 * the action's own table and there are no batch hooks (a hook may write what the query reads, or expect
 * the earlier batch's rows).
 */
function batchesIndependent(action: CompiledIncremental, dialect: PlanEnv['dialect'], query: string): boolean {
  if (action.definition.interval.independentBatches) return true
  const hooks = action.sql.hooks
  if ((hooks?.beforeBatch?.length ?? 0) > 0 || (hooks?.afterBatch?.length ?? 0) > 0) return false
  const text = query.toLowerCase()
  const { dataset, name } = action.target
  return ![dialect.formatTarget(action.target), `${dataset}.${name}`].some((t) => text.includes(t.toLowerCase()))
}

/** A batch failed after staging in a connection-private table: copy its rows where the next run finds them. */
function keepStagedSteps(env: PlanEnv, staging: Target, kept: Target): Step[] {
  const { dialect } = env
  return [
    {
      kind: 'transaction',
      role: 'setup',
      label: `keep the staged rows in ${dialect.formatTarget(kept)} for inspection`,
      statements: [
        { sql: dialect.createOrReplaceTableAs(kept, `SELECT * FROM ${dialect.formatTarget(staging)}`) },
        { sql: dialect.dropTable(staging) },
      ],
    },
  ]
}

interface BatchParts {
  readonly action: CompiledIncremental
  readonly env: PlanEnv
  readonly strategy: WriteStrategy
  readonly staging: Target
  /** The statement staging a select's rows. */
  readonly stage: (select: string) => string
  readonly query: string
  readonly columns: readonly string[] | null
  /** The target does not exist yet: the first batch creates it from its staged rows. */
  readonly createFromFirst: boolean
}

function hookSteps(parts: BatchParts, hook: 'beforeBatch' | 'afterBatch' | 'onFailure'): Step[] {
  return (parts.action.sql.hooks?.[hook] ?? []).map((sql, i) => ({
    kind: 'execute',
    role: 'hook',
    label: `${hook} ${i + 1}`,
    sql,
  }))
}

function planBatch(parts: BatchParts, interval: DateInterval, index: number): BatchPlan {
  const { action, env, strategy, staging } = parts
  const { dialect } = env
  const params = batchParams(env, interval)
  const where = `${interval.start}..${interval.end} (exclusive)`
  const steps: Step[] = [
    ...hookSteps(parts, 'beforeBatch'),
    {
      kind: 'execute',
      role: 'stage',
      label: `stage ${where}`,
      sql: parts.stage(selectWithTracking(action, dialect, parts.query, strategy.stagedColumns)),
      ...(dialect.sessionStaging ? { privateWrite: true } : {}),
    },
    ...(index === 0 ? contractSteps(action, env, staging) : []),
    rowsInIntervalStep(action, env, staging, interval),
    ...withPublishBefore(
      auditSteps(action, env, staging, where, true),
      dialect.deleteInterval(staging, column(action)),
    ),
    ...(index === 0 && parts.createFromFirst
      ? [
          {
            kind: 'execute' as const,
            role: 'setup' as const,
            label: 'create table from the staged columns',
            sql: dialect.createTableAs(
              action.target,
              dialect.limit(`SELECT * FROM ${dialect.formatTarget(staging)}`, 0),
              tableLayout(action),
            ),
          },
        ]
      : []),
    ...strategy.beforeWrite.map((sql): Step => ({ kind: 'execute', role: 'write', label: 'before write', sql })),
    { kind: 'count', role: 'check', label: 'rows', sql: countRowsSql(dialect, staging) },
    {
      kind: 'transaction',
      role: 'write',
      label: `publish ${where}`,
      statements: [
        ...strategy
          .write(parts.columns, env.emptyBatches?.get(action.name)?.has(interval.start) ?? false)
          .map((sql) => ({ sql, params })),
        ...hookSteps(parts, 'afterBatch').flatMap((s) => (s.kind === 'execute' ? [{ sql: s.sql, params }] : [])),
      ],
      records: interval,
    },
    ...strategy.verify.map((v): Step => ({
      kind: 'verify',
      role: 'check',
      code: v.code,
      label: v.label,
      sql: v.sql,
      failure: v.failure,
    })),
  ]
  return { interval, params, steps, onFailure: hookSteps(parts, 'onFailure') }
}

function column(action: CompiledIncremental): string {
  return action.definition.interval.column
}

/**
 * The audit gate of an interval batch publishes the dates before the first failing one (see GateStep):
 * checks are judged per date, so the dates before it passed and need not wait for the bad one.
 */
function withPublishBefore(steps: readonly Step[], trimSql: string): Step[] {
  return steps.map((step) => (step.kind === 'gate' ? { ...step, publishBefore: { trimSql } } : step))
}

function rowsInIntervalStep(action: CompiledIncremental, env: PlanEnv, staging: Target, interval: DateInterval): Step {
  const { dialect } = env
  const column = action.definition.interval.column
  const c = dialect.quoteIdentifier(column)
  return {
    kind: 'verify',
    role: 'check',
    code: 'rows-outside-interval',
    label: `rows inside the interval`,
    sql: `SELECT COUNT(*) AS n FROM ${dialect.formatTarget(staging)} WHERE ${c} IS NULL OR ${c} < ${dialect.param(INTERVAL_START, 'DATE')} OR ${c} >= ${dialect.param(INTERVAL_END, 'DATE')}`,
    failure: (n) =>
      `Action "${action.name}" (${action.file}): ${n} row(s) have "${column}" outside [${interval.start}, ${interval.end}); filter the query on ctx.interval.start/end`,
  }
}

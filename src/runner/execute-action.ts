import { createHash } from 'node:crypto'
import type { DateInterval } from '../core/dates.js'
import { PipelineError } from '../core/errors.js'
import type { CompiledAction, CompiledGraph } from '../compiler/compiled.js'
import { RUN_PARAM_NAMES } from '../compiler/context.js'
import type { IncrementalAction } from '../compiler/definitions.js'
import { checkPartitionColumn } from '../compiler/compile.js'
import type { Adapter, ParamValue } from '../engines/adapter.js'
import type { Target } from '../engines/dialect.js'
import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
import type { StateStore } from '../state/state-store.js'
import { compareColumns } from '../engines/column-contract.js'
import { blockingFailures, evaluateChecks } from './evaluate-checks.js'
import type { IntervalPlan } from './plan.js'
import type { CheckResult, RunEvent } from './result.js'
import type { RunInfo } from './run-info.js'
import {
  SUPERSEDE_REASON_PARAM,
  dropUnchangedStatement,
  publishTableStatements,
  stageStatement,
  stagingTarget,
  tableLayout,
  writeIntervalStatements,
} from './statements.js'
import type { HookName } from '../compiler/compiled.js'

export interface ExecutionEnv {
  readonly adapter: Adapter
  readonly state: StateStore
  readonly graph: CompiledGraph
  readonly run: RunInfo
  readonly plans: ReadonlyMap<string, IntervalPlan>
  readonly fullRefresh: boolean
  readonly skipAssertions: boolean
  readonly onEvent: (event: RunEvent) => void
  /** Why rows are superseded in this run (e.g. a backfill's --reason); default '<mode>:<build sha>'. */
  readonly reason?: string
}

export interface ActionOutcome {
  rowsWritten: number | null
  intervals: DateInterval[]
  checks: CheckResult[]
  sqlHash: string | null
  error?: PipelineError
}

export class ActionFailedError extends PipelineError {}

export function runParams(run: RunInfo): Record<string, ParamValue> {
  return {
    [RUN_PARAM_NAMES.id]: run.id,
    [RUN_PARAM_NAMES.buildCommitSha]: run.buildCommitSha,
    [RUN_PARAM_NAMES.deploymentRevision]: run.deploymentRevision,
    [RUN_PARAM_NAMES.mode]: run.mode,
    [RUN_PARAM_NAMES.startedAt]: run.startedAt,
  }
}

export function hashSql(text: string | undefined): string | null {
  return text === undefined ? null : createHash('sha256').update(text).digest('hex').slice(0, 16)
}

/** Build one action with the strategy of its kind. Engine errors become the outcome's error. */
export async function executeAction(action: CompiledAction, env: ExecutionEnv): Promise<ActionOutcome> {
  const outcome: ActionOutcome = {
    rowsWritten: null,
    intervals: [],
    checks: [],
    sqlHash: hashSql(action.sql.query ?? action.sql.statements?.join(';\n')),
  }
  try {
    switch (action.kind) {
      case 'declaration':
        await checkDeclaration(action, env)
        break
      case 'view':
        await env.adapter.execute(
          env.adapter.dialect.createOrReplaceView(action.target as Target, action.sql.query as string),
          { params: runParams(env.run) },
        )
        break
      case 'operation':
        for (const statement of action.sql.statements ?? [])
          await env.adapter.execute(statement, { params: runParams(env.run), label: action.name })
        break
      case 'table':
        await buildTable(action, env, outcome)
        break
      case 'incremental':
        await buildIncremental(action, env, outcome)
        break
      case 'assertion':
        await runStandaloneAssertion(action, env, outcome)
        break
    }
  } catch (error) {
    outcome.error =
      error instanceof PipelineError
        ? error
        : new PipelineError('action-failed', (error as Error).message, { cause: error })
  }
  return outcome
}

async function checkDeclaration(action: CompiledAction, env: ExecutionEnv): Promise<void> {
  const target = action.target as Target
  const columns = await env.adapter.describeTable(target)
  if (!columns) {
    throw new ActionFailedError(
      'source-missing',
      `Source "${target.dataset}.${target.name}" (${action.file}) does not exist; load it, or run "pipeline seed" for the sample warehouse`,
    )
  }
  const definition = action.definition
  if (definition.kind === 'declaration' && definition.columns) {
    const missing = definition.columns.filter((c) => !columns.some((l) => l.name === c.name))
    if (missing.length)
      throw new ActionFailedError(
        'source-columns-missing',
        `Source "${target.dataset}.${target.name}" lacks column(s) ${missing.map((c) => `"${c.name}"`).join(', ')}`,
      )
  }
}

async function audit(
  action: CompiledAction,
  env: ExecutionEnv,
  relation: Target,
  params: Record<string, ParamValue>,
): Promise<CheckResult[]> {
  if (env.skipAssertions || action.checks.length === 0) return []
  const partitionColumn = checkPartitionColumn(action.definition)
  const byName = new Map(env.graph.actions.map((a) => [a.name, a]))
  return evaluateChecks(
    action.checks.map((c) => ({ name: c.name, action: action.name, definition: c.definition })),
    {
      adapter: env.adapter,
      relation: env.adapter.dialect.formatTarget(relation),
      partitionColumn,
      params,
      resolveRelation: (name) => {
        const target = byName.get(name)?.target
        return target ? env.adapter.dialect.formatTarget(target) : env.adapter.dialect.quoteIdentifier(name)
      },
    },
  )
}

function failIfBlocked(action: CompiledAction, checks: readonly CheckResult[], where: string): void {
  const failures = blockingFailures(checks)
  if (failures.length) {
    const first = failures
      .slice(0, 3)
      .map((f) => f.message)
      .join('; ')
    throw new ActionFailedError(
      'assertion-failed',
      `${failures.length} error-severity check(s) failed on ${where}; nothing was published: ${first}`,
    )
  }
}

async function buildTable(action: CompiledAction, env: ExecutionEnv, outcome: ActionOutcome): Promise<void> {
  const { adapter } = env
  const { dialect } = adapter
  const target = action.target as Target
  const staging = stagingTarget(target)
  const params = runParams(env.run)
  await adapter.execute(dialect.createSchema(target.dataset))
  await adapter.execute(stageStatement(action, dialect, action.sql.query as string), { params, label: action.name })
  await checkContract(action, env, staging)
  outcome.checks.push(...(await audit(action, env, staging, params)))
  failIfBlocked(action, outcome.checks, 'the rebuilt table')
  outcome.rowsWritten = await countRows(adapter, staging)
  const publish = publishTableStatements(action, dialect)
  await adapter.transaction(publish.transactional.map((sql) => ({ sql })))
  for (const sql of publish.after) await adapter.execute(sql)
}

async function countRows(adapter: Adapter, target: Target): Promise<number> {
  const [row] = await adapter.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${adapter.dialect.formatTarget(target)}`)
  return Number(row?.n ?? 0)
}

async function checkContract(action: CompiledAction, env: ExecutionEnv, staged: Target): Promise<void> {
  const definition = action.definition
  if ((definition.kind !== 'table' && definition.kind !== 'incremental') || !definition.columns) return
  const live = (await env.adapter.describeTable(staged)) ?? []
  const problems = compareColumns(live, definition.columns)
  const required = definition.columns.filter((c) => c.nullable === false && live.some((l) => l.name === c.name))
  if (required.length) {
    const q = env.adapter.dialect.quoteIdentifier
    const counts = required.map((c) => `COUNT(CASE WHEN ${q(c.name)} IS NULL THEN 1 END) AS ${q(c.name)}`).join(', ')
    const [row] = await env.adapter.query(`SELECT ${counts} FROM ${env.adapter.dialect.formatTarget(staged)}`)
    for (const c of required)
      if (Number(row?.[c.name] ?? 0) > 0)
        problems.push(`NOT NULL column "${c.name}" has ${row?.[c.name]} NULL value(s): no writer fills it`)
  }
  if (problems.length) {
    throw new ActionFailedError(
      'contract-mismatch',
      `Action "${action.name}" (${action.file}): output does not match its columns contract: ${problems.join('; ')}; fix the query or the contract (and add a migration for a persistent table)`,
    )
  }
}

async function buildIncremental(action: CompiledAction, env: ExecutionEnv, outcome: ActionOutcome): Promise<void> {
  const { adapter, state } = env
  const { dialect } = adapter
  const definition = action.definition as IncrementalAction
  const target = action.target as Target
  const plan = env.plans.get(action.name)
  if (!plan) return
  await adapter.execute(dialect.createSchema(target.dataset))
  if (env.fullRefresh)
    await adapter.transaction([{ sql: dialect.dropTable(target) }, state.clearIntervalsStatement(action.name)])
  const batch: BatchState = { exists: await adapter.tableExists(target), index: 0 }
  if (!batch.exists && definition.columns) {
    await adapter.execute(dialect.createTable(target, definition.columns, tableLayout(definition)))
    batch.exists = true
  }
  const query = batch.exists || !action.sql.fullQuery ? (action.sql.query as string) : action.sql.fullQuery
  for (const interval of plan.batches) {
    const params = {
      ...runParams(env.run),
      [INTERVAL_START]: interval.start,
      [INTERVAL_END]: interval.end,
      [SUPERSEDE_REASON_PARAM]: env.reason ?? `${env.run.mode}:${env.run.buildCommitSha}`,
    }
    let rows: number
    try {
      await runHooks(action, env, 'beforeBatch', params)
      rows = await buildBatch(action, env, { query, interval, params, batch, outcome })
      outcome.rowsWritten = (outcome.rowsWritten ?? 0) + rows
      outcome.intervals.push(interval)
    } catch (error) {
      await runHooks(action, env, 'onFailure', {
        ...params,
        error_message: (error as Error).message.slice(0, 1000),
      }).catch(() => undefined)
      throw error
    }
    batch.index++
    env.onEvent({ type: 'batch', name: action.name, interval, done: batch.index, total: plan.batches.length, rows })
  }
  if (plan.batches.length) await adapter.execute(dialect.dropTable(stagingTarget(target)))
}

interface BatchState {
  exists: boolean
  index: number
}

async function runHooks(
  action: CompiledAction,
  env: ExecutionEnv,
  hook: HookName,
  params: Record<string, ParamValue>,
): Promise<void> {
  for (const sql of action.sql.hooks?.[hook] ?? [])
    await env.adapter.execute(sql, { params, label: `${action.name} ${hook}` })
}

/** Stage, check, audit and publish one interval; returns the rows written. */
async function buildBatch(
  action: CompiledAction,
  env: ExecutionEnv,
  parts: {
    query: string
    interval: DateInterval
    params: Record<string, ParamValue>
    batch: BatchState
    outcome: ActionOutcome
  },
): Promise<number> {
  const { adapter, state } = env
  const { dialect } = adapter
  const definition = action.definition as IncrementalAction
  const target = action.target as Target
  const staging = stagingTarget(target)
  const { params, interval } = parts
  await adapter.execute(stageStatement(action, dialect, parts.query), { params, label: action.name })
  if (parts.batch.index === 0) await checkContract(action, env, staging)
  await checkRowsInInterval(action, env, staging, definition.interval.column, params)
  const checks = await audit(action, env, staging, params)
  parts.outcome.checks.push(...checks)
  failIfBlocked(action, checks, `${interval.start}..${interval.end} (exclusive)`)
  if (!parts.batch.exists) {
    await adapter.execute(
      dialect.createTableAs(
        target,
        dialect.limit(`SELECT * FROM ${dialect.formatTarget(staging)}`, 0),
        tableLayout(definition),
      ),
    )
    parts.batch.exists = true
  }
  const dropUnchanged = dropUnchangedStatement(action, dialect)
  if (dropUnchanged) await adapter.execute(dropUnchanged, { params })
  const rows = await countRows(adapter, staging)
  const columns =
    definition.columns?.map((c) => c.name) ?? ((await adapter.describeTable(staging)) ?? []).map((c) => c.name)
  const run = { runId: env.run.id, buildCommitSha: env.run.buildCommitSha, mode: env.run.mode }
  await adapter.transaction([
    ...writeIntervalStatements(action, dialect, columns).map((sql) => ({ sql, params })),
    ...(action.sql.hooks?.afterBatch ?? []).map((sql) => ({ sql, params })),
    state.intervalStatement(action.name, interval, run, rows),
  ])
  if (definition.write.strategy === 'supersede') await checkOneActivePerKey(action, env, params)
  return rows
}

/** After a supersede: exactly one active row per key in the interval, or the run says so. */
async function checkOneActivePerKey(
  action: CompiledAction,
  env: ExecutionEnv,
  params: Record<string, ParamValue>,
): Promise<void> {
  const definition = action.definition as IncrementalAction
  if (definition.write.strategy !== 'supersede') return
  const { dialect } = env.adapter
  const q = dialect.quoteIdentifier
  const key = definition.write.key.map(q).join(', ')
  const c = q(definition.interval.column)
  const [row] = await env.adapter.query<{ n: number }>(
    `SELECT COUNT(*) AS n FROM (SELECT ${key} FROM ${dialect.formatTarget(action.target as Target)}
WHERE ${c} >= ${dialect.param(INTERVAL_START, 'DATE')} AND ${c} < ${dialect.param(INTERVAL_END, 'DATE')}
GROUP BY ${key} HAVING COUNT(CASE WHEN ${q('is_active')} THEN 1 END) <> 1) AS bad`,
    { params },
  )
  if (Number(row?.n ?? 0) > 0)
    throw new ActionFailedError(
      'supersede-invariant',
      `Action "${action.name}": ${row?.n} key(s) do not have exactly one active row after the supersede`,
    )
}

async function checkRowsInInterval(
  action: CompiledAction,
  env: ExecutionEnv,
  staging: Target,
  column: string,
  params: Record<string, ParamValue>,
): Promise<void> {
  const { dialect } = env.adapter
  const c = dialect.quoteIdentifier(column)
  const [row] = await env.adapter.query<{ n: number }>(
    `SELECT COUNT(*) AS n FROM ${dialect.formatTarget(staging)} WHERE ${c} IS NULL OR ${c} < ${dialect.param(INTERVAL_START, 'DATE')} OR ${c} >= ${dialect.param(INTERVAL_END, 'DATE')}`,
    { params },
  )
  if (Number(row?.n ?? 0) > 0) {
    throw new ActionFailedError(
      'rows-outside-interval',
      `Action "${action.name}" (${action.file}): ${row?.n} row(s) have "${column}" outside [${params[INTERVAL_START]}, ${params[INTERVAL_END]}); filter the query on ctx.interval.start/end`,
    )
  }
}

async function runStandaloneAssertion(
  action: CompiledAction,
  env: ExecutionEnv,
  outcome: ActionOutcome,
): Promise<void> {
  if (env.skipAssertions) return
  outcome.checks.push(
    ...(await evaluateChecks(
      action.checks.map((c) => ({ name: c.name, action: action.guards ?? action.name, definition: c.definition })),
      {
        adapter: env.adapter,
        relation: '(none)',
        partitionColumn: null,
        resolveRelation: (n) => n,
        params: runParams(env.run),
      },
    )),
  )
  failIfBlocked(action, outcome.checks, 'its query')
}

import type {
  CompiledAction,
  CompiledAssertion,
  CompiledDeclaration,
  CompiledOperation,
  CompiledTable,
  CompiledView,
} from '../compiler/compiled.js'
import type { DateInterval } from '../core/dates.js'
import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
import { renderCheck } from './evaluate-checks.js'
import { runParams } from './run-params.js'
import { auditSteps, checksStep, contractSteps } from './plan-checks.js'
import type { PlanEnv } from './plan-env.js'
import { relationKey, single } from './plan-env.js'
import { planIncremental } from './plan-incremental.js'
import { countRowsSql, publishTableSteps, stagingTarget, tableLayout } from './staging.js'
import type { ActionPlan, Step } from './steps.js'

type Planners = {
  readonly [K in CompiledAction['kind']]: (action: Extract<CompiledAction, { kind: K }>, env: PlanEnv) => ActionPlan
}

const PLANNERS: Planners = {
  declaration: planDeclaration,
  view: planView,
  operation: planOperation,
  assertion: planAssertion,
  table: planTable,
  incremental: planIncremental,
}

function planFor<K extends CompiledAction['kind']>(
  action: Extract<CompiledAction, { kind: K }>,
  env: PlanEnv,
): ActionPlan {
  const planner: Planners[K] = PLANNERS[action.kind]
  return planner(action, env)
}

/** Every statement each action will send, in the order the scheduler may run them (topological by name). */
export function planActions(actions: readonly CompiledAction[], env: PlanEnv): ActionPlan[] {
  return actions.map((action) => planFor(action, env))
}

function planDeclaration(action: CompiledDeclaration, env: PlanEnv): ActionPlan {
  const label = `source ${relationKey(action.target)} exists`
  return single(action, env, [
    {
      kind: 'describe',
      role: 'introspection',
      label,
      target: action.target,
      columns: action.definition.columns ?? null,
      mode: 'source',
    },
  ])
}

function planView(action: CompiledView, env: PlanEnv): ActionPlan {
  const sql = env.dialect.createOrReplaceView(action.target, action.sql.query)
  return single(action, env, [{ kind: 'execute', role: 'write', label: `view ${relationKey(action.target)}`, sql }])
}

function planOperation(action: CompiledOperation, env: PlanEnv): ActionPlan {
  const steps = action.sql.statements.map((sql, i): Step => ({
    kind: 'execute',
    role: 'write',
    label: `statement ${i + 1}`,
    sql,
  }))
  return single(action, env, steps)
}

function planAssertion(action: CompiledAssertion, env: PlanEnv): ActionPlan {
  // --skip-assertions forces writes through; monitors still observe what the tables hold.
  if (env.skipAssertions && !action.definition.monitor) return single(action, env, [])
  const range = assertionRange(action, env)
  const checks = action.checks.map((c) =>
    renderCheck(
      { name: c.name, action: action.guards ?? action.name, definition: c.definition },
      {
        dialect: env.dialect,
        relation: '(none)',
        partitionColumn: null,
        resolveRelation: (n) => n,
        restrictToInterval: range !== null,
      },
    ),
  )
  const steps: Step[] = checks.length ? [checksStep(env.dialect, checks)] : []
  // A forced run's monitors report without blocking anything: the operator chose to write through.
  const all = env.skipAssertions
    ? steps
    : [...steps, { kind: 'gate', role: 'check', label: 'gate', where: 'its query' } as const]
  if (!range) return single(action, env, all)
  const params = { ...runParams(env.run), [INTERVAL_START]: range.start, [INTERVAL_END]: range.end }
  return { action, range: null, batches: [{ interval: null, params, steps: all, onFailure: [] }] }
}

/**
 * Where scans are billed by bytes (BigQuery), a standalone assertion guarding an incremental action
 * checks the dates this run builds for it, not the whole table: its built-in checks then filter the
 * partition column by a constant range (pruned, and accepted by a require_partition_filter table).
 */
function assertionRange(action: CompiledAssertion, env: PlanEnv): DateInterval | null {
  if (!env.dialect.capabilities.supportsDryRunCost || !action.guards) return null
  return env.intervals.get(action.guards)?.range ?? null
}

function planTable(action: CompiledTable, env: PlanEnv): ActionPlan {
  const { dialect } = env
  const staging = stagingTarget(dialect, action.target, env.run.id)
  const steps: Step[] = [
    {
      kind: 'execute',
      role: 'setup',
      label: `schema ${action.target.dataset}`,
      sql: dialect.createSchema(action.target.dataset),
    },
    {
      kind: 'execute',
      role: 'stage',
      label: 'stage',
      sql: dialect.createStagingTableAs(staging, action.sql.query, tableLayout(action)),
    },
    ...contractSteps(action, env, staging),
    ...auditSteps(action, env, staging, 'the rebuilt table', false),
    { kind: 'count', role: 'check', label: 'rows', sql: countRowsSql(dialect, staging) },
    ...publishTableSteps(action, dialect, staging),
  ]
  return single(action, env, steps)
}

import type { CompiledIncremental, CompiledTable } from '../compiler/compiled.js'
import { checkPartitionColumn } from '../compiler/compile.js'
import type { Dialect, Target } from '../engines/dialect.js'
import { checkStatements } from './check-statements.js'
import { renderCheck } from './evaluate-checks.js'
import type { RenderedCheck } from './evaluate-checks.js'
import type { PlanEnv } from './plan-env.js'
import type { ChecksStep, Step } from './steps.js'

/** Audit steps over a staged relation, closed by a gate. */
export function auditSteps(
  action: CompiledTable | CompiledIncremental,
  env: PlanEnv,
  staging: Target,
  where: string,
  restrict: boolean,
): Step[] {
  if (env.skipAssertions || action.checks.length === 0) return []
  const byName = new Map(env.graph.actions.map((a) => [a.name, a]))
  const resolveRelation = (name: string) => {
    const target = byName.get(name)?.target
    return target ? env.dialect.formatTarget(target) : env.dialect.quoteIdentifier(name)
  }
  const checks = action.checks.map((c) =>
    renderCheck(
      { name: c.name, action: action.name, definition: c.definition },
      {
        dialect: env.dialect,
        relation: env.dialect.formatTarget(staging),
        partitionColumn: checkPartitionColumn(action.definition),
        resolveRelation,
        restrictToInterval: restrict,
      },
    ),
  )
  return [checksStep(env.dialect, checks), { kind: 'gate', role: 'check', label: 'gate', where }]
}

/** One step evaluating `checks` (one statement, or a few when they are many; see checkStatements). */
export function checksStep(dialect: Dialect, checks: readonly RenderedCheck[]): ChecksStep {
  const label = checks.length === 1 ? `check ${checks[0]!.target.name}` : `${checks.length} checks`
  return { kind: 'checks', role: 'check', label, checks, statements: checkStatements(dialect, checks) }
}

/** The output must match the columns contract, and NOT NULL columns must be filled by the query. */
export function contractSteps(action: CompiledTable | CompiledIncremental, env: PlanEnv, staging: Target): Step[] {
  const columns = action.definition.columns
  if (!columns) return []
  const steps: Step[] = [
    {
      kind: 'describe',
      role: 'introspection',
      label: 'columns match the contract',
      target: staging,
      columns,
      mode: 'contract',
    },
  ]
  const required = columns.filter((c) => c.nullable === false)
  if (required.length === 0) return steps
  const q = env.dialect.quoteIdentifier
  const nulls = required.map((c) => `CASE WHEN ${q(c.name)} IS NULL THEN 1 ELSE 0 END`).join(' + ')
  steps.push({
    kind: 'verify',
    role: 'check',
    code: 'contract-mismatch',
    label: 'NOT NULL columns filled',
    sql: `SELECT COUNT(*) AS n FROM ${env.dialect.formatTarget(staging)} WHERE ${nulls} > 0`,
    failure: (n) =>
      `Action "${action.name}" (${action.file}): output does not match its columns contract: ${n} row(s) have NULL in a NOT NULL column (${required.map((c) => `"${c.name}"`).join(', ')}): no writer fills it; fix the query or the contract (and add a migration for a persistent table)`,
  })
  return steps
}

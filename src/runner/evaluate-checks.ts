import type { CheckDefinition } from '../assertions/types.js'
import type { Adapter, ParamValue } from '../engines/adapter.js'
import type { CheckResult } from './result.js'

export interface CheckTarget {
  /** Full assertion name, e.g. 'ml_feature_store_v2.usage_spike_score_zero_share'. */
  readonly name: string
  /** The action the check belongs to (or guards). */
  readonly action: string
  readonly definition: CheckDefinition
}

export interface EvaluateOptions {
  readonly adapter: Adapter
  /** Formatted relation the checks read (the staged rows during an audit). */
  readonly relation: string
  readonly partitionColumn: string | null
  readonly resolveRelation: (actionName: string) => string
  readonly params: Readonly<Record<string, ParamValue>>
  /** Only these partitions are judged (an audit of an interval); omitted, all are. */
  readonly partitions?: (partition: string | null) => boolean
}

const SAMPLE_ROWS = 20

/** Evaluate checks partition by partition; never throws for a failing check, only for engine errors. */
export async function evaluateChecks(checks: readonly CheckTarget[], options: EvaluateOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  for (const check of checks) results.push(...(await evaluateOne(check, options)))
  return results
}

async function evaluateOne(check: CheckTarget, options: EvaluateOptions): Promise<CheckResult[]> {
  const { adapter } = options
  const rendered = check.definition.render({
    dialect: adapter.dialect, relation: options.relation, partitionColumn: options.partitionColumn, resolveRelation: options.resolveRelation,
  })
  const rows = await adapter.query<{ partition_value: string | null; observed: number | null; row_count: number; passed: boolean; skipped: boolean }>(
    rendered.summarySql, { params: options.params, label: `assert ${check.name}` },
  )
  const judged = rows
    .map((r) => ({ partition: r.partition_value, observed: r.observed === null ? null : Number(r.observed), rowCount: Number(r.row_count), passed: Boolean(r.passed), skipped: Boolean(r.skipped) }))
    .filter((r) => !options.partitions || options.partitions(r.partition))
    .sort((a, b) => String(a.partition).localeCompare(String(b.partition)))
  const anyFailed = judged.some((r) => !r.passed)
  const sample = anyFailed && rendered.offendingSql
    ? await adapter.query(adapter.dialect.limit(rendered.offendingSql, SAMPLE_ROWS), { params: options.params })
    : []
  const base = { assertion: check.name, action: check.action, builtin: check.definition.builtin, severity: check.definition.severity, threshold: rendered.threshold }
  if (judged.length === 0) {
    return [{ ...base, partition: null, observed: 0, rowCount: 0, passed: true, skipped: false, message: `${check.name} passed: no offending rows`, sample: [] }]
  }
  return judged.map((row) => {
    const verdict = row.skipped ? 'skipped' : row.passed ? 'passed' : 'failed'
    const where = row.partition === null ? '' : ` on ${row.partition}`
    const detail = row.skipped ? `only ${row.rowCount} rows, too few to judge` : `${rendered.describe(row)} (${rendered.threshold})`
    return { ...base, ...row, message: `${check.name} ${verdict}${where}: ${detail}`, sample: row.passed ? [] : sample }
  })
}

/** Failures that block: error severity, not passed. */
export function blockingFailures(results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => !r.passed && r.severity === 'error')
}

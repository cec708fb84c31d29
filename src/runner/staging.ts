import type { CompiledIncremental, CompiledTable } from '../compiler/compiled.js'
import { RUN_PARAM_NAMES } from '../compiler/context.js'
import type { Dialect, TableOptions, Target } from '../engines/dialect.js'
import type { Step } from './steps.js'

/** Where a run builds and audits a batch before publishing it (a name per run where runs may overlap). */
export function stagingTarget(dialect: Dialect, target: Target, runId: string): Target {
  return dialect.stagingTable(target, runId)
}

const TRACKING_TYPES = {
  runId: 'STRING',
  buildCommitSha: 'STRING',
  deploymentRevision: 'STRING',
  mode: 'STRING',
  startedAt: 'TIMESTAMP',
} as const

const TRACKING_PARAMS = {
  runId: RUN_PARAM_NAMES.id,
  buildCommitSha: RUN_PARAM_NAMES.buildCommitSha,
  deploymentRevision: RUN_PARAM_NAMES.deploymentRevision,
  mode: RUN_PARAM_NAMES.mode,
  startedAt: RUN_PARAM_NAMES.startedAt,
} as const

/** The action's query with the strategy's columns and the engine-written tracking columns appended. */
export function selectWithTracking(
  action: CompiledIncremental,
  dialect: Dialect,
  query: string,
  strategyColumns: readonly string[],
): string {
  const tracking = Object.entries(action.definition.tracking).map(
    ([column, source]) =>
      `${dialect.param(TRACKING_PARAMS[source], TRACKING_TYPES[source])} AS ${dialect.quoteIdentifier(column)}`,
  )
  const extra = [...strategyColumns, ...tracking]
  if (extra.length === 0) return query
  return `SELECT q.*, ${extra.join(', ')}\nFROM (\n${query}\n) AS q`
}

/** Partitioning and clustering of an action's table. */
export function tableLayout(action: CompiledTable | CompiledIncremental): TableOptions {
  const definition = action.definition
  const partitionBy =
    definition.partitionBy ?? (definition.kind === 'incremental' ? definition.interval.column : undefined)
  const declared = definition.kind === 'incremental' ? definition.columns : undefined
  const partitionType = declared?.find((c) => c.name === partitionBy)?.type.toUpperCase()
  return {
    ...(partitionBy ? { partitionBy } : {}),
    ...(partitionType === 'TIMESTAMP' ? { partitionType } : {}),
    ...(definition.clusterBy ? { clusterBy: definition.clusterBy } : {}),
  }
}

/**
 * Swap an audited staging table into place: drop and rename in one transaction where DDL is
 * transactional; else one copy job over the target (atomic, no second scan of the rows), then drop
 * the staging table.
 */
export function publishTableSteps(action: CompiledTable, dialect: Dialect, staging: Target): Step[] {
  if (dialect.capabilities.supportsTransactionalDdl) {
    const statements = [dialect.dropTable(action.target), dialect.renameTable(staging, action.target.name)]
    return [{ kind: 'transaction', role: 'write', label: 'publish', statements: statements.map((sql) => ({ sql })) }]
  }
  return [
    {
      kind: 'copy',
      role: 'write',
      label: `publish: copy ${dialect.formatTarget(staging)} over ${dialect.formatTarget(action.target)}`,
      from: staging,
      to: action.target,
    },
    { kind: 'execute', role: 'setup', label: 'drop staging', sql: dialect.dropTable(staging) },
  ]
}

/** COUNT(*) AS n of a relation. */
export function countRowsSql(dialect: Dialect, target: Target): string {
  return `SELECT COUNT(*) AS n FROM ${dialect.formatTarget(target)}`
}

/**
 * COUNT(*) AS n of a whole table partitioned on a date column, with a constant filter on it that
 * every row passes (BigQuery refuses a require_partition_filter table read without one).
 */
export function countAllRowsSql(dialect: Dialect, target: Target, dateColumn: string | undefined): string {
  if (!dateColumn) return countRowsSql(dialect, target)
  const since = `CAST(${dialect.literal('0001-01-01')} AS ${dialect.columnType('DATE')})`
  return `${countRowsSql(dialect, target)} WHERE ${dialect.quoteIdentifier(dateColumn)} >= ${since}`
}

import type { CompiledIncremental, CompiledTable } from '../compiler/compiled.js'
import { RUN_PARAM_NAMES } from '../compiler/context.js'
import type { Dialect, TableOptions, Target } from '../engines/dialect.js'

/** Where a batch's rows are built and audited before they are published. */
export function stagingTarget(target: Target): Target {
  return { dataset: target.dataset, name: `${target.name}__staging` }
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
  return {
    ...(partitionBy ? { partitionBy } : {}),
    ...(definition.clusterBy ? { clusterBy: definition.clusterBy } : {}),
  }
}

/** Swap an audited staging table into place: one transaction where DDL is transactional, else one atomic replace. */
export function publishTableStatements(
  action: CompiledTable,
  dialect: Dialect,
): { transactional: string[]; after: string[] } {
  const staging = stagingTarget(action.target)
  if (dialect.capabilities.supportsTransactionalDdl) {
    return {
      transactional: [dialect.dropTable(action.target), dialect.renameTable(staging, action.target.name)],
      after: [],
    }
  }
  return {
    transactional: [
      dialect.createOrReplaceTableAs(
        action.target,
        `SELECT * FROM ${dialect.formatTarget(staging)}`,
        tableLayout(action),
      ),
    ],
    after: [dialect.dropTable(staging)],
  }
}

/** COUNT(*) AS n of a relation. */
export function countRowsSql(dialect: Dialect, target: Target): string {
  return `SELECT COUNT(*) AS n FROM ${dialect.formatTarget(target)}`
}

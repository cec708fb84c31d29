import type { CompiledAction } from '../compiler/compiled.js'
import { RUN_PARAM_NAMES } from '../compiler/context.js'
import type { IncrementalAction, TableAction } from '../compiler/definitions.js'
import type { Dialect, TableOptions, Target } from '../engines/dialect.js'

/** Pure SQL for each write strategy: the runner executes these, the golden tests read them. */

export function stagingTarget(target: Target): Target {
  return { dataset: target.dataset, name: `${target.name}__staging` }
}

const TRACKING_TYPES = { runId: 'STRING', buildCommitSha: 'STRING', deploymentRevision: 'STRING', mode: 'STRING', startedAt: 'TIMESTAMP' } as const
const TRACKING_PARAMS = {
  runId: RUN_PARAM_NAMES.id, buildCommitSha: RUN_PARAM_NAMES.buildCommitSha, deploymentRevision: RUN_PARAM_NAMES.deploymentRevision,
  mode: RUN_PARAM_NAMES.mode, startedAt: RUN_PARAM_NAMES.startedAt,
} as const

/** The action's query with the engine-written tracking columns appended (never written by definition SQL). */
export function selectWithTracking(definition: IncrementalAction, dialect: Dialect, query: string): string {
  const entries = Object.entries(definition.tracking)
  if (entries.length === 0) return query
  const extra = entries.map(([column, source]) => `${dialect.param(TRACKING_PARAMS[source], TRACKING_TYPES[source])} AS ${dialect.quoteIdentifier(column)}`)
  return `SELECT q.*, ${extra.join(', ')}\nFROM (\n${query}\n) AS q`
}

export function tableLayout(definition: TableAction | IncrementalAction): TableOptions {
  const partitionBy = definition.partitionBy ?? (definition.kind === 'incremental' ? definition.interval.column : undefined)
  return { ...(partitionBy ? { partitionBy } : {}), ...(definition.clusterBy ? { clusterBy: definition.clusterBy } : {}) }
}

/** Build an interval's (or a table's) rows into the staging table. */
export function stageStatement(action: CompiledAction, dialect: Dialect, query: string): string {
  const staging = stagingTarget(action.target as Target)
  const select = action.definition.kind === 'incremental' ? selectWithTracking(action.definition, dialect, query) : query
  return dialect.createOrReplaceTableAs(staging, select)
}

/** Swap an audited staging table into place: one transaction where DDL is transactional, else one atomic replace. */
export function publishTableStatements(action: CompiledAction, dialect: Dialect): { transactional: string[]; after: string[] } {
  const target = action.target as Target
  const staging = stagingTarget(target)
  if (dialect.capabilities.supportsTransactionalDdl) {
    return { transactional: [dialect.dropTable(target), dialect.renameTable(staging, target.name)], after: [] }
  }
  return {
    transactional: [dialect.createOrReplaceTableAs(target, `SELECT * FROM ${dialect.formatTarget(staging)}`, tableLayout(action.definition as TableAction))],
    after: [dialect.dropTable(staging)],
  }
}

/** The write of one interval from staging into the target, by strategy (run in one transaction with the interval record). */
export function writeIntervalStatements(action: CompiledAction, dialect: Dialect, columns: readonly string[]): string[] {
  const definition = action.definition as IncrementalAction
  const target = action.target as Target
  const staging = stagingTarget(target)
  const insert = dialect.insertSelect(target, columns, `SELECT * FROM ${dialect.formatTarget(staging)}`)
  switch (definition.write.strategy) {
    case 'replace_interval': return [dialect.deleteInterval(target, definition.interval.column), insert]
    case 'append': return [insert]
    case 'merge': return [dialect.merge(target, staging, definition.write.uniqueKey, columns)]
  }
}

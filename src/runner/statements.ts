import type { CompiledAction } from '../compiler/compiled.js'
import { RUN_PARAM_NAMES } from '../compiler/context.js'
import type { IncrementalAction, TableAction } from '../compiler/definitions.js'
import type { Dialect, TableOptions, Target } from '../engines/dialect.js'
import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
import { renderPlain } from '../sql/render.js'

/** Pure SQL for each write strategy: the runner executes these, the golden tests read them. */

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

/** Status columns every `supersede` target has; the engine fills them, never the query. */
export const SUPERSEDE_COLUMNS = [
  'is_active',
  'superseded',
  'superseded_at',
  'superseded_reason',
  'superseded_by',
] as const
export const SUPERSEDE_REASON_PARAM = 'supersede_reason'

function supersedeColumns(definition: IncrementalAction, dialect: Dialect): string[] {
  if (definition.write.strategy !== 'supersede') return []
  const q = dialect.quoteIdentifier
  const uuid = renderPlain(dialect, dialect.fn.generateUuid())
  return [
    `${uuid} AS ${q(definition.write.idColumn)}`,
    `TRUE AS ${q('is_active')}`,
    `FALSE AS ${q('superseded')}`,
    `CAST(NULL AS ${dialect.columnType('TIMESTAMP')}) AS ${q('superseded_at')}`,
    `CAST(NULL AS ${dialect.columnType('STRING')}) AS ${q('superseded_reason')}`,
    `CAST(NULL AS ${dialect.columnType('STRING')}) AS ${q('superseded_by')}`,
  ]
}

/** The action's query with the engine-written tracking (and supersede status) columns appended. */
export function selectWithTracking(definition: IncrementalAction, dialect: Dialect, query: string): string {
  const entries = Object.entries(definition.tracking)
  const extra = [
    ...supersedeColumns(definition, dialect),
    ...entries.map(
      ([column, source]) =>
        `${dialect.param(TRACKING_PARAMS[source], TRACKING_TYPES[source])} AS ${dialect.quoteIdentifier(column)}`,
    ),
  ]
  if (extra.length === 0) return query
  return `SELECT q.*, ${extra.join(', ')}\nFROM (\n${query}\n) AS q`
}

function keyMatch(dialect: Dialect, key: readonly string[]): string {
  return key.map((k) => `t.${dialect.quoteIdentifier(k)} = s.${dialect.quoteIdentifier(k)}`).join(' AND ')
}

function targetInInterval(dialect: Dialect, column: string): string {
  const c = `t.${dialect.quoteIdentifier(column)}`
  return `${c} >= ${dialect.param(INTERVAL_START, 'DATE')} AND ${c} < ${dialect.param(INTERVAL_END, 'DATE')}`
}

/** Drop staged rows identical to the active row on compareColumns: an unchanged re-run supersedes nothing. */
export function dropUnchangedStatement(action: CompiledAction, dialect: Dialect): string | null {
  const definition = action.definition as IncrementalAction
  if (definition.write.strategy !== 'supersede') return null
  const q = dialect.quoteIdentifier
  const same = definition.write.compareColumns.map((c) => `t.${q(c)} IS NOT DISTINCT FROM s.${q(c)}`).join(' AND ')
  return [
    `DELETE FROM ${dialect.formatTarget(stagingTarget(action.target as Target))} AS s`,
    `WHERE EXISTS (SELECT 1 FROM ${dialect.formatTarget(action.target as Target)} AS t`,
    `  WHERE t.${q('is_active')} = TRUE AND ${keyMatch(dialect, definition.write.key)} AND ${same}`,
    `    AND ${targetInInterval(dialect, definition.interval.column)})`,
  ].join('\n')
}

/** Retire the active rows whose key has a staged replacement (counted before, checked after). */
function supersedeStatement(action: CompiledAction, dialect: Dialect): string {
  const definition = action.definition as IncrementalAction
  if (definition.write.strategy !== 'supersede') throw new Error('not a supersede action')
  const q = dialect.quoteIdentifier
  return [
    `UPDATE ${dialect.formatTarget(action.target as Target)} AS t`,
    `SET ${q('is_active')} = FALSE, ${q('superseded')} = TRUE, ${q('superseded_at')} = ${dialect.param(RUN_PARAM_NAMES.startedAt, 'TIMESTAMP')},`,
    `  ${q('superseded_reason')} = ${dialect.param(SUPERSEDE_REASON_PARAM, 'STRING')}, ${q('superseded_by')} = s.${q(definition.write.idColumn)}`,
    `FROM ${dialect.formatTarget(stagingTarget(action.target as Target))} AS s`,
    `WHERE t.${q('is_active')} = TRUE AND ${keyMatch(dialect, definition.write.key)} AND ${targetInInterval(dialect, definition.interval.column)}`,
  ].join('\n')
}

export function tableLayout(definition: TableAction | IncrementalAction): TableOptions {
  const partitionBy =
    definition.partitionBy ?? (definition.kind === 'incremental' ? definition.interval.column : undefined)
  return {
    ...(partitionBy ? { partitionBy } : {}),
    ...(definition.clusterBy ? { clusterBy: definition.clusterBy } : {}),
  }
}

/** Build an interval's (or a table's) rows into the staging table. */
export function stageStatement(action: CompiledAction, dialect: Dialect, query: string): string {
  const staging = stagingTarget(action.target as Target)
  const select =
    action.definition.kind === 'incremental' ? selectWithTracking(action.definition, dialect, query) : query
  return dialect.createOrReplaceTableAs(staging, select)
}

/** Swap an audited staging table into place: one transaction where DDL is transactional, else one atomic replace. */
export function publishTableStatements(
  action: CompiledAction,
  dialect: Dialect,
): { transactional: string[]; after: string[] } {
  const target = action.target as Target
  const staging = stagingTarget(target)
  if (dialect.capabilities.supportsTransactionalDdl) {
    return { transactional: [dialect.dropTable(target), dialect.renameTable(staging, target.name)], after: [] }
  }
  return {
    transactional: [
      dialect.createOrReplaceTableAs(
        target,
        `SELECT * FROM ${dialect.formatTarget(staging)}`,
        tableLayout(action.definition as TableAction),
      ),
    ],
    after: [dialect.dropTable(staging)],
  }
}

/** The write of one interval from staging into the target, by strategy (run in one transaction with the interval record). */
export function writeIntervalStatements(
  action: CompiledAction,
  dialect: Dialect,
  columns: readonly string[],
): string[] {
  const definition = action.definition as IncrementalAction
  const target = action.target as Target
  const staging = stagingTarget(target)
  const insert = dialect.insertSelect(target, columns, `SELECT * FROM ${dialect.formatTarget(staging)}`)
  switch (definition.write.strategy) {
    case 'replace_interval':
      return [dialect.deleteInterval(target, definition.interval.column), insert]
    case 'append':
      return [insert]
    case 'merge':
      return [dialect.merge(target, staging, definition.write.uniqueKey, columns)]
    case 'supersede':
      return [supersedeStatement(action, dialect), insert]
  }
}

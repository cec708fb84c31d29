import { RUN_PARAM_NAMES } from '../../compiler/context.js'
import { renderPlain } from '../../sql/render.js'
import type { StrategyContext, StrategyFactory, Verification } from './write-strategy.js'
import { insertFromStaging, keyMatch, rowsPerDateSql, targetInInterval } from './write-strategy.js'

/** Status columns every `supersede` target has; the engine fills them, never the query. */
export const SUPERSEDE_COLUMNS = {
  isActive: 'is_active',
  superseded: 'superseded',
  supersededAt: 'superseded_at',
  supersededReason: 'superseded_reason',
  supersededBy: 'superseded_by',
} as const

/** Parameter holding why rows are superseded (a backfill's --reason, else '<mode>:<build sha>'). */
export const SUPERSEDE_REASON_PARAM = 'supersede_reason'

type Context = StrategyContext<'supersede'>

function stagedColumns({ dialect, write }: Context): string[] {
  const q = dialect.quoteIdentifier
  const nullOf = (type: string) => `CAST(NULL AS ${dialect.columnType(type)})`
  return [
    `${renderPlain(dialect, dialect.fn.generateUuid())} AS ${q(write.idColumn)}`,
    `TRUE AS ${q(SUPERSEDE_COLUMNS.isActive)}`,
    `FALSE AS ${q(SUPERSEDE_COLUMNS.superseded)}`,
    `${nullOf('TIMESTAMP')} AS ${q(SUPERSEDE_COLUMNS.supersededAt)}`,
    `${nullOf('STRING')} AS ${q(SUPERSEDE_COLUMNS.supersededReason)}`,
    `${nullOf('STRING')} AS ${q(SUPERSEDE_COLUMNS.supersededBy)}`,
  ]
}

/** Drop staged rows identical to the active row on compareColumns: an unchanged re-run supersedes nothing. */
function dropUnchanged({ dialect, write, action, staging }: Context): string {
  const q = dialect.quoteIdentifier
  const same = write.compareColumns.map((c) => `t.${q(c)} IS NOT DISTINCT FROM s.${q(c)}`).join(' AND ')
  return [
    `DELETE FROM ${dialect.formatTarget(staging)} AS s`,
    `WHERE EXISTS (SELECT 1 FROM ${dialect.formatTarget(action.target)} AS t`,
    `  WHERE t.${q(SUPERSEDE_COLUMNS.isActive)} = TRUE AND ${keyMatch(dialect, write.key)} AND ${same}`,
    `    AND ${targetInInterval(dialect, action.definition.interval.column)})`,
  ].join('\n')
}

/** Retire the active rows whose key has a staged replacement. */
function retireActive({ dialect, write, action, staging }: Context): string {
  const q = dialect.quoteIdentifier
  const c = SUPERSEDE_COLUMNS
  return [
    `UPDATE ${dialect.formatTarget(action.target)} AS t`,
    `SET ${q(c.isActive)} = FALSE, ${q(c.superseded)} = TRUE, ${q(c.supersededAt)} = ${dialect.param(RUN_PARAM_NAMES.startedAt, 'TIMESTAMP')},`,
    `  ${q(c.supersededReason)} = ${dialect.param(SUPERSEDE_REASON_PARAM, 'STRING')}, ${q(c.supersededBy)} = s.${q(write.idColumn)}`,
    `FROM ${dialect.formatTarget(staging)} AS s`,
    `WHERE t.${q(c.isActive)} = TRUE AND ${keyMatch(dialect, write.key)} AND ${targetInInterval(dialect, action.definition.interval.column)}`,
  ].join('\n')
}

/** After the write: exactly one active row per key in the interval. */
function oneActivePerKey({ dialect, write, action }: Context): Verification {
  const q = dialect.quoteIdentifier
  const key = write.key.map(q).join(', ')
  return {
    code: 'supersede-invariant',
    label: 'one active row per key',
    sql: [
      `SELECT COUNT(*) AS n FROM (SELECT ${key} FROM ${dialect.formatTarget(action.target)} AS t`,
      `WHERE ${targetInInterval(dialect, action.definition.interval.column)}`,
      `GROUP BY ${key} HAVING COUNT(CASE WHEN ${q(SUPERSEDE_COLUMNS.isActive)} THEN 1 END) <> 1) AS bad`,
    ].join('\n'),
    failure: (n) => `Action "${action.name}": ${n} key(s) do not have exactly one active row after the supersede`,
  }
}

/**
 * Insert new rows with an engine-generated id and retire the active row of the same key
 * (is_active = false, superseded = true, superseded_at, superseded_reason, superseded_by) in one
 * transaction; nothing is deleted.
 */
export const supersede: StrategyFactory<'supersede'> = (context) => ({
  stagedColumns: stagedColumns(context),
  beforeWrite: [dropUnchanged(context)],
  write: (columns) => [retireActive(context), insertFromStaging(context, columns)],
  verify: [oneActivePerKey(context)],
  affectedRowsSql: rowsPerDateSql(
    context,
    ` AND ${context.dialect.quoteIdentifier(SUPERSEDE_COLUMNS.isActive)} = TRUE`,
  ),
})

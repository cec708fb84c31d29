import type { CompiledIncremental } from '../../compiler/compiled.js'
import type { IncrementalAction } from '../../compiler/definitions.js'
import type { Dialect, Target } from '../../engines/dialect.js'
import { INTERVAL_END, INTERVAL_START } from '../../engines/dialect.js'

export type WriteConfig = IncrementalAction['write']
export type StrategyName = WriteConfig['strategy']
export type WriteOf<S extends StrategyName> = Extract<WriteConfig, { strategy: S }>

/** What a strategy's statements are built from: the action, its write config, the dialect and the staging table. */
export interface StrategyContext<S extends StrategyName> {
  readonly action: CompiledIncremental
  readonly write: WriteOf<S>
  readonly dialect: Dialect
  /** The audited rows of the batch. */
  readonly staging: Target
}

/** The part of a context that does not depend on the strategy. */
export type TargetContext = Pick<StrategyContext<StrategyName>, 'action' | 'dialect' | 'staging'>

/** A query returning one row with a column `n`; n > 0 fails the batch with `failure(n)`. */
export interface Verification {
  /** Error code when it fails, e.g. 'supersede-invariant'. */
  readonly code: string
  readonly label: string
  readonly sql: string
  failure(n: number): string
}

/**
 * One write strategy's statements for one incremental action. Every statement binds the batch's
 * parameters (@interval_start, @interval_end, the run's) and is plain SQL text from the dialect.
 */
export interface WriteStrategy {
  /** Expressions (`expr AS name`) the engine appends to the staged rows, e.g. supersede's status columns. */
  readonly stagedColumns: readonly string[]
  /** After the audit passed, before the publish transaction (e.g. drop staged rows equal to the active ones). */
  readonly beforeWrite: readonly string[]
  /**
   * The write inside the publish transaction; `columns` null inserts every staged column in order.
   * `targetEmpty`: the target holds no row of the batch's dates (probed while planning, see readEmptyBatches).
   */
  write(columns: readonly string[] | null, targetEmpty?: boolean): readonly string[]
  /** Checks after the transaction committed (e.g. one active row per key). */
  readonly verify: readonly Verification[]
  /**
   * Per date (`d`) and build that wrote them (`b`, from the action's build tracking column, else NULL),
   * the rows a batch of [@from_date, @end_date) would replace or supersede (`n`).
   */
  readonly affectedRowsSql: string
}

export type StrategyFactory<S extends StrategyName> = (context: StrategyContext<S>) => WriteStrategy

/** `t.<column>` in [@interval_start, @interval_end). */
export function targetInInterval(dialect: Dialect, column: string, alias = 't'): string {
  const c = `${alias}.${dialect.quoteIdentifier(column)}`
  return `${c} >= ${dialect.param(INTERVAL_START, 'DATE')} AND ${c} < ${dialect.param(INTERVAL_END, 'DATE')}`
}

/** `t.k = s.k AND ...` over a key. */
export function keyMatch(dialect: Dialect, key: readonly string[]): string {
  return key.map((k) => `t.${dialect.quoteIdentifier(k)} = s.${dialect.quoteIdentifier(k)}`).join(' AND ')
}

/** `INSERT INTO target [(columns)] SELECT [columns] FROM staging`. */
export function insertFromStaging(context: TargetContext, columns: readonly string[] | null): string {
  const { dialect, action, staging } = context
  if (columns === null)
    return `INSERT INTO ${dialect.formatTarget(action.target)}\nSELECT * FROM ${dialect.formatTarget(staging)}`
  return dialect.insertSelect(action.target, columns, `SELECT * FROM ${dialect.formatTarget(staging)}`)
}

/** Rows per date of the target in [@from_date, @end_date), optionally restricted by a condition. */
export function rowsPerDateSql(context: TargetContext, where = ''): string {
  const { dialect, action } = context
  const c = dialect.quoteIdentifier(action.definition.interval.column)
  const buildColumn = Object.entries(action.definition.tracking).find(([, field]) => field === 'buildCommitSha')?.[0]
  const build = buildColumn ? dialect.quoteIdentifier(buildColumn) : `CAST(NULL AS ${dialect.columnType('STRING')})`
  return [
    `SELECT ${c} AS d, ${build} AS b, COUNT(*) AS n FROM ${dialect.formatTarget(action.target)}`,
    `WHERE ${c} >= ${dialect.param('from_date', 'DATE')} AND ${c} < ${dialect.param('end_date', 'DATE')}${where}`,
    'GROUP BY 1, 2 ORDER BY 1, 2',
  ].join('\n')
}

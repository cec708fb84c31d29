import { parseColumnType } from '../engines/column-types.js'
import type { ColumnSpec, Dialect, TableOptions, Target } from '../engines/dialect.js'
import { isSqlFragment } from '../sql/fragment.js'
import type { SqlFragment } from '../sql/fragment.js'
import { renderPlain } from '../sql/render.js'
import type { ColumnDefault, MigrationContext, MigrationSql, SqlByEngine } from './migration.js'

/** One statement a migration will run, with a short label for plans and errors. */
export interface MigrationStatement {
  readonly sql: string
  readonly label: string
}

const NAME = /^[a-z_][a-z0-9_]*$/

/**
 * A context whose helpers only record SQL: `migrate plan` prints it, the migrator runs it.
 * Consecutive addColumn calls on one table are recorded together, so an engine that adds several
 * columns in one ALTER (BigQuery) updates the table's metadata once; `finish` returns them all.
 */
export function createRecordingContext(dialect: Dialect): {
  context: MigrationContext
  finish: () => MigrationStatement[]
} {
  const statements: MigrationStatement[] = []
  const datasets = new Set<string>()
  let pendingAdds: { target: Target; columns: ColumnSpec[] } | null = null
  const flushAdds = (): void => {
    if (pendingAdds === null) return
    const { target, columns } = pendingAdds
    pendingAdds = null
    const sqls = dialect.addColumns(target, columns)
    sqls.forEach((sql, index) => {
      const names = sqls.length === columns.length ? [columns[index]!.name] : columns.map((c) => c.name)
      statements.push({
        sql,
        label: `add column${names.length > 1 ? 's' : ''} ${describe(target)}.${names.length > 1 ? `{${names.join(', ')}}` : names[0]}`,
      })
    })
  }
  const push = (sql: string, label: string): Promise<void> => {
    flushAdds()
    statements.push({ sql, label })
    return Promise.resolve()
  }
  const ensureDataset = (dataset: string): void => {
    if (datasets.has(dataset)) return
    datasets.add(dataset)
    flushAdds()
    statements.push({ sql: dialect.createSchema(dataset), label: `create dataset ${dataset}` })
  }
  const context: MigrationContext = Object.freeze({
    dialect,
    createTable(target: Target, columns: readonly ColumnSpec[], options?: TableOptions): Promise<void> {
      checkTarget(target)
      checkColumns(target, columns, options)
      ensureDataset(target.dataset)
      return push(createTableSql(dialect, target, columns, options), `create table ${describe(target)}`)
    },
    addColumn(target: Target, column: ColumnSpec): Promise<void> {
      checkTarget(target)
      checkColumns(target, [column])
      if (column.nullable === false) {
        throw new TypeError(
          `addColumn ${describe(target)}.${column.name}: a NOT NULL column cannot be added to a table that may hold rows; add it nullable and let the writer enforce the contract`,
        )
      }
      if (pendingAdds !== null && describe(pendingAdds.target) !== describe(target)) flushAdds()
      if (pendingAdds === null) pendingAdds = { target, columns: [] }
      if (pendingAdds.columns.some((c) => c.name === column.name))
        throw new TypeError(`addColumn ${describe(target)}.${column.name}: the column is added twice`)
      pendingAdds.columns.push(column)
      return Promise.resolve()
    },
    setDefault(target: Target, column: string, value: ColumnDefault): Promise<void> {
      checkTarget(target)
      checkName(column, 'column')
      return push(setDefaultSql(dialect, target, column, value), `set default ${describe(target)}.${column}`)
    },
    createView(target: Target, select: MigrationSql): Promise<void> {
      checkTarget(target)
      const text = sqlFor(dialect, select)
      if (text === null) return Promise.resolve()
      ensureDataset(target.dataset)
      return push(dialect.createOrReplaceView(target, text), `create view ${describe(target)}`)
    },
    execute(statement: MigrationSql): Promise<void> {
      const text = sqlFor(dialect, statement)
      return text === null ? Promise.resolve() : push(text, 'statement')
    },
  })
  const finish = (): MigrationStatement[] => {
    flushAdds()
    return statements
  }
  return { context, finish }
}

/** Run a migration's `up` against a recording context and return its statements. */
export async function recordStatements(
  dialect: Dialect,
  up: (context: MigrationContext) => Promise<void> | void,
): Promise<MigrationStatement[]> {
  const { context, finish } = createRecordingContext(dialect)
  await up(context)
  return finish()
}

/**
 * CREATE TABLE through the dialect. A TIMESTAMP partition column is partitioned by its date: the
 * dialect quotes `partitionBy` as a plain column, which BigQuery only accepts for DATE columns.
 */
function createTableSql(
  dialect: Dialect,
  target: Target,
  columns: readonly ColumnSpec[],
  options?: TableOptions,
): string {
  const text = dialect.createTable(target, columns, options)
  const partition = options?.partitionBy
  const type = partition ? columns.find((c) => c.name === partition)?.type : undefined
  if (!partition || !type || !/^(TIMESTAMP|DATETIME)$/i.test(type.trim())) return text
  const quoted = dialect.quoteIdentifier(partition)
  return text.replace(`PARTITION BY ${quoted}`, `PARTITION BY DATE(${quoted})`)
}

function setDefaultSql(dialect: Dialect, target: Target, column: string, value: ColumnDefault): string {
  const expression = isSqlFragment(value) ? renderPlain(dialect, value) : dialect.literal(value)
  return `ALTER TABLE ${dialect.formatTarget(target)} ALTER COLUMN ${dialect.quoteIdentifier(column)} SET DEFAULT ${expression}`
}

function sqlFor(dialect: Dialect, statement: MigrationSql): string | null {
  if (typeof statement === 'string') return statement
  if (isSqlFragment(statement)) return renderPlain(dialect, statement as SqlFragment)
  const byEngine = statement as SqlByEngine
  const unknown = Object.keys(byEngine).filter((k) => k !== 'duckdb' && k !== 'bigquery')
  if (unknown.length)
    throw new TypeError(
      `execute: unknown engine key(s) ${unknown.map((k) => `"${k}"`).join(', ')}; use duckdb or bigquery`,
    )
  return byEngine[dialect.engine] ?? null
}

function checkTarget(target: Target): void {
  checkName(target.dataset, 'dataset')
  checkName(target.name, 'table')
}

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) throw new TypeError(`${what} name "${name}" is not snake_case`)
}

function checkColumns(target: Target, columns: readonly ColumnSpec[], options?: TableOptions): void {
  const seen = new Set<string>()
  for (const column of columns) {
    checkName(column.name, 'column')
    if (seen.has(column.name)) throw new TypeError(`${describe(target)}: column "${column.name}" is declared twice`)
    seen.add(column.name)
    checkColumnType(target, column)
  }
  for (const name of [options?.partitionBy, ...(options?.clusterBy ?? [])]) {
    if (name !== undefined && !seen.has(name))
      throw new TypeError(`${describe(target)}: layout column "${name}" is not among the table's columns`)
  }
}

/** A misspelt type fails `migrate plan` and `migrate up` before any SQL runs, naming the column and the fix. */
function checkColumnType(target: Target, column: ColumnSpec): void {
  try {
    parseColumnType(column.type)
  } catch (error) {
    throw new TypeError(`${describe(target)}.${column.name}: ${(error as Error).message}`, { cause: error })
  }
}

function describe(target: Target): string {
  return `${target.dataset}.${target.name}`
}

import { z } from 'zod'
import type { ColumnSpec, Dialect, TableOptions, Target } from '../engines/dialect.js'
import type { SqlFragment, SqlScalar } from '../sql/fragment.js'

/**
 * Raw SQL per engine, for the rare statement the helpers cannot express. An engine without
 * a key runs nothing for that call (the statement does not apply there).
 */
export interface SqlByEngine {
  readonly duckdb?: string
  readonly bigquery?: string
}

/** SQL a migration passes to `execute` or `createView`: one text for every engine, a fragment, or text per engine. */
export type MigrationSql = string | SqlFragment | SqlByEngine

/** A column default: a literal, or an expression such as `dialect.fn.currentTimestamp()`. */
export type ColumnDefault = SqlScalar | SqlFragment

/**
 * What `up` receives. Every helper records statements for the engine's dialect; nothing runs
 * until the migrator applies them (or prints them for `migrate plan`), so `up` must not do I/O.
 */
export interface MigrationContext {
  /** The engine's dialect, for quoting and `fn` helpers (e.g. `dialect.fn.currentTimestamp()`). */
  readonly dialect: Dialect
  /**
   * Create a table (and its dataset) if missing. BigQuery partitions by `partitionBy` (by its date
   * when the column is a TIMESTAMP), clusters by `clusterBy` and sets require_partition_filter;
   * DuckDB ignores the layout.
   */
  createTable(target: Target, columns: readonly ColumnSpec[], options?: TableOptions): Promise<void>
  /** Add a nullable column if missing. `nullable: false` is refused: no engine can add NOT NULL to a table with rows. */
  addColumn(target: Target, column: ColumnSpec): Promise<void>
  /** `ALTER TABLE … ALTER COLUMN … SET DEFAULT`; affects rows inserted afterwards, never existing ones. */
  setDefault(target: Target, column: string, value: ColumnDefault): Promise<void>
  /** Create or replace a view (and its dataset). */
  createView(target: Target, select: MigrationSql): Promise<void>
  /** A raw statement; with `{ duckdb, bigquery }`, the text for the current engine (none when its key is absent). */
  execute(statement: MigrationSql): Promise<void>
}

/** A migration as a file's default export. */
export interface Migration {
  /** One line saying what the migration changes; printed by `migrate status` and `plan`. */
  readonly description: string
  /** Declares the statements through the context helpers. */
  readonly up: (context: MigrationContext) => Promise<void> | void
}

const migrationSchema = z.strictObject({
  description: z.string().trim().min(1, 'describe what the migration changes'),
  up: z.custom<Migration['up']>((value) => typeof value === 'function', 'must be a function up(ctx)'),
})

const MIGRATION_MARK = Symbol.for('pipeline.migration')

/**
 * Define a migration: the default export of `migrations/NNNN-kebab-name.ts`. Never edit it once
 * applied; add a new one instead. Do not import `includes/` (an applied migration must keep its meaning).
 * @example
 * export default defineMigration({
 *   description: 'add currency to raw.orders',
 *   async up({ addColumn }) {
 *     await addColumn({ dataset: 'raw', name: 'orders' }, { name: 'currency', type: 'STRING' })
 *   },
 * })
 */
export function defineMigration(config: Migration): Migration {
  const parsed = migrationSchema.safeParse(config)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'migration'}: ${i.message}`)
    throw new TypeError(`defineMigration: ${problems.join('; ')}`)
  }
  const migration = { description: parsed.data.description, up: parsed.data.up }
  Object.defineProperty(migration, MIGRATION_MARK, { value: true, enumerable: false })
  return Object.freeze(migration)
}

/** A module's default export is usable as a migration: made by defineMigration, or a plain `{ description, up }`. */
export function asMigration(value: unknown): Migration | string {
  const parsed = migrationSchema.safeParse(value)
  if (parsed.success) return value as Migration
  return `the default export must be defineMigration({ description, up }): ${parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'export'}: ${i.message}`).join('; ')}`
}

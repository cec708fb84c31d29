import { DialectAdapterBase, DummyDriver, Kysely, sql } from 'kysely'
import type { Compilable, DatabaseIntrospector, RawBuilder } from 'kysely'
import type { ParamValue, Statement } from '../engines/adapter.js'
import type { Dialect, QueryCompilerOptions } from '../engines/dialect.js'
import { renderPlain } from '../sql/render.js'

// Kysely here only compiles SQL text; the adapters execute it. Nothing below talks to a database.
class CompileOnlyAdapter extends DialectAdapterBase {
  override async acquireMigrationLock(): Promise<void> {
    throw new Error('compile-only Kysely: migrations run through src/migrate, not Kysely')
  }

  override async releaseMigrationLock(): Promise<void> {}
}

const NO_INTROSPECTION: DatabaseIntrospector = {
  getSchemas: () => Promise.reject(new Error('compile-only Kysely: introspect through the adapter')),
  getTables: () => Promise.reject(new Error('compile-only Kysely: introspect through the adapter')),
  getMetadata: () => Promise.reject(new Error('compile-only Kysely: introspect through the adapter')),
}

/** Typed query builders compiled to one dialect's SQL text and named parameters. */
export interface QueryBuilder<DB> {
  /** Kysely over `DB`, compile-only (never call `execute` on its queries). */
  readonly db: Kysely<DB>
  /** The query as a statement: its SQL and its parameters by name (`p1`, `p2`, … with the builder's prefix). */
  statement(query: Compilable, label?: string): Statement
}

export function createQueryBuilder<DB>(dialect: Dialect, options: QueryCompilerOptions = {}): QueryBuilder<DB> {
  const prefix = options.parameterPrefix ?? 'p'
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new CompileOnlyAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: () => NO_INTROSPECTION,
      createQueryCompiler: () => dialect.createQueryCompiler({ parameterPrefix: prefix }),
    },
  })
  return Object.freeze({
    db,
    statement(query: Compilable, label?: string): Statement {
      const compiled = query.compile()
      const params: Record<string, ParamValue> = {}
      compiled.parameters.forEach((value, i) => {
        params[`${prefix}${i + 1}`] = paramValue(value, compiled.sql)
      })
      return { sql: compiled.sql, params, ...(label ? { label } : {}) }
    },
  })
}

function paramValue(value: unknown, text: string): ParamValue {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value
  if (typeof value === 'number' && Number.isFinite(value)) return value
  throw new Error(
    `cannot bind ${String(value)} (${typeof value}) as a parameter of: ${text.slice(0, 200)}; pass strings, finite numbers, booleans or null`,
  )
}

/** How values reach the SQL: as named parameters (the default) or as escaped literals (statements joining another's transaction). */
export type ValueMode = 'param' | 'literal'

/**
 * Values typed for a column, the same way on every engine: DATE and TIMESTAMP strings are CAST
 * (BigQuery would bind an ISO string as STRING).
 */
export class TypedValues {
  readonly #dialect: Dialect
  readonly #mode: ValueMode

  constructor(dialect: Dialect, mode: ValueMode = 'param') {
    this.#dialect = dialect
    this.#mode = mode
  }

  /** A value as it is (string, number, boolean, null). */
  plain<T extends ParamValue>(value: T): RawBuilder<T> {
    return this.#mode === 'literal' ? sql.lit(value) : sql<T>`${value}`
  }

  date<T extends string | null>(value: T): RawBuilder<T> {
    return this.#cast(value, 'DATE')
  }

  timestamp<T extends string | null>(value: T): RawBuilder<T> {
    return this.#cast(value, 'TIMESTAMP')
  }

  /** The engine's current UTC timestamp. */
  now(): RawBuilder<string> {
    return sql.raw<string>(renderPlain(this.#dialect, this.#dialect.fn.currentTimestamp()))
  }

  #cast<T extends string | null>(value: T, type: 'DATE' | 'TIMESTAMP'): RawBuilder<T> {
    return sql<T>`CAST(${this.plain(value)} AS ${sql.raw(this.#dialect.columnType(type))})`
  }
}

import { DefaultQueryCompiler } from 'kysely'
import type { QueryCompilerOptions } from '../dialect.js'

/**
 * Kysely's compiler for DuckDB: double-quoted identifiers and named `$p1` parameters, which the
 * DuckDB adapter binds by name. NULL values are written as literals, so they never need a type.
 */
export class DuckDbQueryCompiler extends DefaultQueryCompiler {
  readonly #prefix: string

  constructor(options: QueryCompilerOptions = {}) {
    super()
    this.#prefix = options.parameterPrefix ?? 'p'
  }

  protected override getCurrentParameterPlaceholder(): string {
    return `$${this.#prefix}${this.numParameters}`
  }

  protected override appendValue(value: unknown): void {
    if (value === null || value === undefined) this.append('null')
    else super.appendValue(value)
  }

  protected override appendImmediateValue(value: unknown): void {
    if (typeof value === 'number' && !Number.isFinite(value)) this.append(`CAST('${value}' AS DOUBLE)`)
    else super.appendImmediateValue(value)
  }
}

import { DefaultQueryCompiler } from 'kysely'
import type { SchemableIdentifierNode } from 'kysely'
import type { QueryCompilerOptions } from '../dialect.js'

export interface BigQueryQueryCompilerOptions extends QueryCompilerOptions {
  /** Project that qualifies every table in a dataset; omitted, tables are `dataset.table`. */
  readonly project?: string
}

// A quoted BigQuery string may not hold raw newlines or other control characters: escape them.
const STRING_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** A GoogleSQL string literal for any text. */
export function bigQueryStringLiteral(value: string): string {
  let escaped = ''
  for (const c of value) {
    const code = c.charCodeAt(0)
    escaped += STRING_ESCAPES[c] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c)
  }
  return `'${escaped}'`
}

/**
 * Kysely's compiler for BigQuery: backtick identifiers, tables as one `project.dataset.table`
 * path, named `@p1` parameters (the BigQuery adapter sends them with types inferred from the
 * values). NULL values are written as literals, because an untyped NULL parameter has no type.
 */
export class BigQueryQueryCompiler extends DefaultQueryCompiler {
  readonly #prefix: string
  readonly #project: string | undefined

  constructor(options: BigQueryQueryCompilerOptions = {}) {
    super()
    this.#prefix = options.parameterPrefix ?? 'p'
    this.#project = options.project
  }

  protected override getLeftIdentifierWrapper(): string {
    return '`'
  }

  protected override getRightIdentifierWrapper(): string {
    return '`'
  }

  protected override sanitizeIdentifier(identifier: string): string {
    if (identifier.includes('`')) throw new Error(`identifier "${identifier}" contains a backtick`)
    return identifier
  }

  // BigQuery names a table by one path, project.dataset.table, quoted as a whole.
  protected override visitSchemableIdentifier(node: SchemableIdentifierNode): void {
    if (!node.schema) return super.visitSchemableIdentifier(node)
    const path = [this.#project, node.schema.name, node.identifier.name].filter((p) => p !== undefined).join('.')
    this.append(`\`${this.sanitizeIdentifier(path)}\``)
  }

  protected override getCurrentParameterPlaceholder(): string {
    return `@${this.#prefix}${this.numParameters}`
  }

  protected override appendValue(value: unknown): void {
    if (value === null || value === undefined) this.append('null')
    else super.appendValue(value)
  }

  protected override appendImmediateValue(value: unknown): void {
    if (typeof value === 'string') this.append(bigQueryStringLiteral(value))
    else if (typeof value === 'number' && !Number.isFinite(value))
      this.append(`CAST('${Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf'}' AS FLOAT64)`)
    else super.appendImmediateValue(value)
  }
}

import { didYouMean } from '../core/did-you-mean.js'
import { PipelineError } from '../core/errors.js'

/** Parse BigQuery-spelled column types so each dialect can print its own spelling. */
export type ColumnTypeNode =
  | { readonly kind: 'scalar'; readonly name: string; readonly args: readonly number[] }
  | { readonly kind: 'array'; readonly element: ColumnTypeNode }
  | { readonly kind: 'struct'; readonly fields: readonly { readonly name: string; readonly type: ColumnTypeNode }[] }

/** Scalar type names, BigQuery spelling (BOOLEAN is read as BOOL). */
export const SCALAR_TYPES: readonly string[] = [
  'STRING',
  'INT64',
  'FLOAT64',
  'NUMERIC',
  'BIGNUMERIC',
  'BOOL',
  'BOOLEAN',
  'DATE',
  'TIMESTAMP',
  'DATETIME',
  'TIME',
  'JSON',
  'BYTES',
]
const SCALARS = new Set(SCALAR_TYPES)
/** How many parameters a scalar type takes, e.g. NUMERIC(38, 9) or STRING(64); others take none. */
const MAX_ARGS: Readonly<Record<string, number>> = { STRING: 1, BYTES: 1, NUMERIC: 2, BIGNUMERIC: 2 }
/** Other engines' spellings, for the hint: what to write instead. */
const OTHER_SPELLINGS: Readonly<Record<string, string>> = {
  INT: 'INT64',
  INTEGER: 'INT64',
  BIGINT: 'INT64',
  SMALLINT: 'INT64',
  TINYINT: 'INT64',
  FLOAT: 'FLOAT64',
  DOUBLE: 'FLOAT64',
  REAL: 'FLOAT64',
  DECIMAL: 'NUMERIC',
  BIGDECIMAL: 'BIGNUMERIC',
  VARCHAR: 'STRING',
  TEXT: 'STRING',
  CHAR: 'STRING',
  BLOB: 'BYTES',
}
const SPELLING_HELP =
  'use BigQuery spelling: STRING, INT64, FLOAT64, NUMERIC(p, s), BIGNUMERIC, BOOL, DATE, TIMESTAMP, DATETIME, TIME, JSON, BYTES, ARRAY<T>, STRUCT<name T, ...>'

/** A column type that is not BigQuery-spelled or does not parse; `typeName` is the unknown name, if that is the problem. */
export class ColumnTypeError extends PipelineError {
  readonly typeName?: string
  constructor(code: 'unknown-column-type' | 'invalid-column-type', message: string, typeName?: string) {
    super(code, message)
    if (typeName !== undefined) this.typeName = typeName
  }
}

/** Parse a BigQuery-spelled column type; throws ColumnTypeError saying what is wrong and what to write. */
export function parseColumnType(text: string): ColumnTypeNode {
  const parser = new TypeParser(text)
  const node = parser.parseType()
  parser.expectEnd()
  return node
}

class TypeParser {
  #pos = 0
  readonly #text: string
  constructor(text: string) {
    this.#text = text.trim()
  }

  parseType(): ColumnTypeNode {
    const word = this.#word().toUpperCase()
    if (word === 'ARRAY') {
      this.#expect('<')
      const element = this.parseType()
      this.#expect('>')
      return { kind: 'array', element }
    }
    if (word === 'STRUCT') {
      this.#expect('<')
      const fields: { name: string; type: ColumnTypeNode }[] = []
      do {
        const name = this.#word()
        fields.push({ name, type: this.parseType() })
      } while (this.#accept(','))
      this.#expect('>')
      return { kind: 'struct', fields }
    }
    if (!SCALARS.has(word)) throw unknownType(word, this.#text)
    const args = this.#accept('(') ? this.#args(word) : []
    return { kind: 'scalar', name: word === 'BOOLEAN' ? 'BOOL' : word, args }
  }

  #args(word: string): number[] {
    const args: number[] = []
    do {
      const arg = this.#word()
      if (!/^\d+$/.test(arg)) throw this.#invalid(`"${arg}" is not a number`)
      args.push(Number(arg))
    } while (this.#accept(','))
    this.#expect(')')
    const max = MAX_ARGS[word] ?? 0
    if (args.length > max)
      throw this.#invalid(
        max === 0 ? `${word} takes no parameters` : `${word} takes at most ${max} parameter${max > 1 ? 's' : ''}`,
      )
    return args
  }

  #invalid(problem: string): ColumnTypeError {
    return new ColumnTypeError(
      'invalid-column-type',
      `invalid column type "${this.#text}": ${problem}; ${SPELLING_HELP}`,
    )
  }

  expectEnd(): void {
    this.#skip()
    if (this.#pos < this.#text.length) throw this.#invalid(`unexpected "${this.#text.slice(this.#pos)}"`)
  }

  #skip(): void {
    while (this.#pos < this.#text.length && /\s/.test(this.#text[this.#pos] ?? '')) this.#pos++
  }

  #word(): string {
    this.#skip()
    const match = /^[A-Za-z_][A-Za-z0-9_]*|^\d+/.exec(this.#text.slice(this.#pos))
    if (!match) throw this.#invalid(`expected a name at position ${this.#pos}`)
    this.#pos += match[0].length
    return match[0]
  }

  #accept(char: string): boolean {
    this.#skip()
    if (this.#text[this.#pos] === char) {
      this.#pos++
      return true
    }
    return false
  }

  #expect(char: string): void {
    if (!this.#accept(char)) throw this.#invalid(`expected "${char}" at position ${this.#pos}`)
  }
}

function unknownType(word: string, text: string): ColumnTypeError {
  const where = text.toUpperCase() === word ? '' : ` in "${text}"`
  const instead = OTHER_SPELLINGS[word]
  const hint = instead ? `; did you mean "${instead}"?` : didYouMean(word, [...SCALARS, 'ARRAY', 'STRUCT'])
  return new ColumnTypeError(
    'unknown-column-type',
    `unknown column type "${word}"${where}${hint} (${SPELLING_HELP})`,
    word,
  )
}

/** Canonical BigQuery spelling, used to compare contracts with live tables. */
export function formatBigQueryType(node: ColumnTypeNode): string {
  switch (node.kind) {
    case 'array':
      return `ARRAY<${formatBigQueryType(node.element)}>`
    case 'struct':
      return `STRUCT<${node.fields.map((f) => `${f.name} ${formatBigQueryType(f.type)}`).join(', ')}>`
    case 'scalar':
      return node.args.length ? `${node.name}(${node.args.join(', ')})` : node.name
  }
}

const DUCKDB_SCALARS: Record<string, string> = {
  STRING: 'VARCHAR',
  INT64: 'BIGINT',
  FLOAT64: 'DOUBLE',
  NUMERIC: 'DECIMAL',
  BIGNUMERIC: 'DECIMAL',
  BOOL: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  DATETIME: 'TIMESTAMP',
  JSON: 'JSON',
  BYTES: 'BLOB',
}

export function formatDuckDbType(node: ColumnTypeNode, quote: (name: string) => string): string {
  switch (node.kind) {
    case 'array':
      return `${formatDuckDbType(node.element, quote)}[]`
    case 'struct':
      return `STRUCT(${node.fields.map((f) => `${quote(f.name)} ${formatDuckDbType(f.type, quote)}`).join(', ')})`
    case 'scalar': {
      const name = DUCKDB_SCALARS[node.name] ?? node.name
      if (node.name === 'NUMERIC' && node.args.length === 0) return 'DECIMAL(38, 9)'
      return node.args.length ? `${name}(${node.args.join(', ')})` : name
    }
  }
}

/** Parse BigQuery-spelled column types so each dialect can print its own spelling. */
export type ColumnTypeNode =
  | { readonly kind: 'scalar'; readonly name: string; readonly args: readonly number[] }
  | { readonly kind: 'array'; readonly element: ColumnTypeNode }
  | { readonly kind: 'struct'; readonly fields: readonly { readonly name: string; readonly type: ColumnTypeNode }[] }

const SCALARS = new Set([
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
  'JSON',
  'BYTES',
])

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
    if (!SCALARS.has(word))
      throw new Error(
        `unknown column type "${word}" in "${this.#text}"; use BigQuery spelling (STRING, INT64, FLOAT64, NUMERIC(p,s), BOOL, DATE, TIMESTAMP, JSON, ARRAY<T>, STRUCT<...>)`,
      )
    const args: number[] = []
    if (this.#accept('(')) {
      do args.push(Number(this.#word()))
      while (this.#accept(','))
      this.#expect(')')
    }
    return { kind: 'scalar', name: word === 'BOOLEAN' ? 'BOOL' : word, args }
  }

  expectEnd(): void {
    this.#skip()
    if (this.#pos < this.#text.length)
      throw new Error(`unexpected "${this.#text.slice(this.#pos)}" in column type "${this.#text}"`)
  }

  #skip(): void {
    while (this.#pos < this.#text.length && /\s/.test(this.#text[this.#pos] ?? '')) this.#pos++
  }

  #word(): string {
    this.#skip()
    const match = /^[A-Za-z_][A-Za-z0-9_]*|^\d+/.exec(this.#text.slice(this.#pos))
    if (!match) throw new Error(`expected a name at position ${this.#pos} in column type "${this.#text}"`)
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
    if (!this.#accept(char))
      throw new Error(`expected "${char}" at position ${this.#pos} in column type "${this.#text}"`)
  }
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

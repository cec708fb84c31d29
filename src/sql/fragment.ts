/**
 * SQL fragments: the `sql` tagged template keeps literal text and typed nodes apart, so the
 * compiler can find refs and each dialect can render identifiers, literals and parameters.
 */
export type SqlScalar = string | number | boolean | bigint | null

export type ParamType = 'DATE' | 'STRING' | 'TIMESTAMP' | 'INT64' | 'FLOAT64' | 'BOOL'

export type SqlNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'self' }
  | { readonly kind: 'param'; readonly name: string; readonly type: ParamType }
  | { readonly kind: 'value'; readonly value: SqlScalar }
  | { readonly kind: 'ident'; readonly name: string }

const FRAGMENT = Symbol.for('pipeline.sql-fragment')

/** An immutable piece of SQL made of text and nodes. */
export class SqlFragment {
  readonly [FRAGMENT] = true
  readonly nodes: readonly SqlNode[]
  constructor(nodes: readonly SqlNode[]) {
    this.nodes = Object.freeze([...nodes])
    Object.freeze(this)
  }
}

export function isSqlFragment(value: unknown): value is SqlFragment {
  return typeof value === 'object' && value !== null && FRAGMENT in value
}

export type SqlInterpolation = SqlFragment | SqlScalar | readonly SqlFragment[]

/**
 * Tagged template for SQL. Fragments are inlined, arrays of fragments are joined with ", ",
 * and plain values become literals rendered by the dialect.
 * @example sql`select * from ${ctx.ref('orders')} where amount > ${10}`
 */
export function sql(strings: TemplateStringsArray, ...values: readonly SqlInterpolation[]): SqlFragment {
  const nodes: SqlNode[] = []
  strings.forEach((text, index) => {
    if (text) nodes.push({ kind: 'text', text })
    if (index < values.length) appendValue(nodes, values[index] as SqlInterpolation)
  })
  return new SqlFragment(mergeText(nodes))
}

function appendValue(nodes: SqlNode[], value: SqlInterpolation): void {
  if (isSqlFragment(value)) {
    nodes.push(...value.nodes)
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (i > 0) nodes.push({ kind: 'text', text: ', ' })
      nodes.push(...(item as SqlFragment).nodes)
    })
  } else {
    nodes.push({ kind: 'value', value: value as SqlScalar })
  }
}

function mergeText(nodes: readonly SqlNode[]): SqlNode[] {
  const out: SqlNode[] = []
  for (const node of nodes) {
    const last = out.at(-1)
    if (node.kind === 'text' && last?.kind === 'text')
      out[out.length - 1] = { kind: 'text', text: last.text + node.text }
    else out.push(node)
  }
  return out
}

/** Raw SQL text, trusted: only for text the program itself produced. */
export function raw(text: string): SqlFragment {
  return new SqlFragment([{ kind: 'text', text }])
}

/** An identifier (column or alias) quoted by the dialect. */
export function ident(name: string): SqlFragment {
  return new SqlFragment([{ kind: 'ident', name }])
}

export function refNode(name: string): SqlFragment {
  return new SqlFragment([{ kind: 'ref', name }])
}

export function param(name: string, type: ParamType): SqlFragment {
  return new SqlFragment([{ kind: 'param', name, type }])
}

/** Join fragments with a separator (default ", "). */
export function join(fragments: readonly SqlFragment[], separator = ', '): SqlFragment {
  const nodes: SqlNode[] = []
  fragments.forEach((f, i) => {
    if (i > 0) nodes.push({ kind: 'text', text: separator })
    nodes.push(...f.nodes)
  })
  return new SqlFragment(mergeText(nodes))
}

export const empty = new SqlFragment([])

/** Names of every ref in a fragment, in order of first appearance. */
export function collectRefs(fragment: SqlFragment): string[] {
  const names: string[] = []
  for (const node of fragment.nodes) if (node.kind === 'ref' && !names.includes(node.name)) names.push(node.name)
  return names
}

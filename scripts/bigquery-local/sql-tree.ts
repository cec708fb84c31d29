import { parse, show } from 'sql-parser-cst'
import type { Node, Program } from 'sql-parser-cst'
import { invalidQuery } from './errors.js'

/** A CST node seen loosely: the walker visits every child object whatever its type. */
export type AnyNode = Node & Record<string, unknown>

/** Parses BigQuery SQL with every space kept, so `show` prints it back byte for byte. */
export function parseBigQuery(sql: string): Program {
  try {
    return parse(sql, {
      dialect: 'bigquery',
      paramTypes: ['@name'],
      includeSpaces: true,
      includeNewlines: true,
      includeComments: true,
      includeRange: true,
    })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw invalidQuery(`Syntax error: ${message.split('\n')[0] ?? message}`)
  }
}

export { show }

const SKIP_KEYS = new Set(['leading', 'trailing', 'range'])

export function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
}

/** Child nodes of `node`, in source order. */
export function childrenOf(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = []
  for (const [key, value] of Object.entries(node)) {
    if (SKIP_KEYS.has(key)) continue
    if (Array.isArray(value)) out.push(...value.filter(isNode))
    else if (isNode(value)) out.push(value)
  }
  return out
}

/** Every node under `root` (root included), depth first; `stop` prunes a subtree below a node. */
export function descendants(root: AnyNode, stop?: (node: AnyNode) => boolean): AnyNode[] {
  const out: AnyNode[] = []
  const visit = (node: AnyNode, isRoot: boolean): void => {
    out.push(node)
    if (!isRoot && stop?.(node)) return
    for (const child of childrenOf(node)) visit(child, false)
  }
  visit(root, true)
  return out
}

/**
 * Rewrites the tree bottom-up: children first, then `rewrite(node)` may return a replacement.
 * `before(node)` may replace a node before its children are visited (table names, whole clauses).
 */
export function transform(
  node: AnyNode,
  rewrite: (node: AnyNode) => AnyNode,
  before?: (node: AnyNode) => AnyNode | undefined,
): AnyNode {
  const early = before?.(node)
  if (early) return early
  for (const [key, value] of Object.entries(node)) {
    if (SKIP_KEYS.has(key)) continue
    if (Array.isArray(value))
      node[key] = value.map((item: unknown) => (isNode(item) ? transform(item, rewrite, before) : item))
    else if (isNode(value)) node[key] = transform(value, rewrite, before)
  }
  return rewrite(node)
}

/** A node that prints `text` verbatim, keeping the original's surrounding whitespace. */
export function raw(text: string, like?: AnyNode): AnyNode {
  return {
    type: 'identifier',
    text,
    name: text,
    ...(like?.leading ? { leading: like.leading } : {}),
    ...(like?.trailing ? { trailing: like.trailing } : {}),
  } as unknown as AnyNode
}

/** The node's SQL without its outer whitespace. */
export function text(node: unknown): string {
  if (!isNode(node)) return ''
  const { leading: _l, trailing: _t, ...bare } = node as Record<string, unknown>
  return show(bare as unknown as Node).trim()
}

/** The dotted path a table or column name spells: `p.d.t`, `d`.`t`, `` `p.d.t` `` all give its parts. */
export function pathOf(node: AnyNode): string[] | undefined {
  if (node.type === 'identifier') return unquote(String(node.text)).split('.')
  if (node.type === 'bigquery_quoted_member_expr') return pathOf(node.expr as AnyNode)
  if (node.type === 'member_expr') {
    const object = pathOf(node.object as AnyNode)
    const property = node.property as AnyNode
    if (!object || property.type !== 'identifier') return undefined
    return [...object, ...unquote(String(property.text)).split('.')]
  }
  return undefined
}

function unquote(name: string): string {
  return name.startsWith('`') && name.endsWith('`') ? name.slice(1, -1).replaceAll('\\`', '`') : name
}

/** "line:column" of a node in the script, as BigQuery's `at [l:c]` suffix shows it. */
export function positionOf(sql: string, node: AnyNode): string {
  const start = (node.range as [number, number] | undefined)?.[0] ?? 0
  const before = sql.slice(0, start).split('\n')
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`
}

export function keywordText(value: unknown): string {
  if (Array.isArray(value)) return value.map(keywordText).join(' ')
  return isNode(value) ? String((value as { name?: unknown; text?: unknown }).name ?? value.text ?? '') : ''
}

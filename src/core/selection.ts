import picomatch from 'picomatch'
import { didYouMean } from './did-you-mean.js'
import { closure, dependentsIndex } from './graph.js'
import type { GraphNode } from './graph.js'

export interface SelectableNode extends GraphNode {
  readonly tags: readonly string[]
  /** For assertions: the action they guard; selected along with it. */
  readonly guards?: string
  readonly isAssertion?: boolean
}

export interface SelectionOptions {
  /** Names or globs ('ml_*'); empty means everything. */
  readonly actions?: readonly string[]
  readonly tags?: readonly string[]
  readonly includeDeps?: boolean
  readonly includeDependents?: boolean
}

export type SelectionResult =
  | { readonly ok: true; readonly names: ReadonlySet<string> }
  | { readonly ok: false; readonly problems: readonly string[] }

/** Resolve --actions / --tags / --include-* into a set of action names; unmatched patterns are problems. */
export function selectActions(nodes: readonly SelectableNode[], options: SelectionOptions): SelectionResult {
  const all = nodes.map((n) => n.name)
  const byName = new Map(nodes.map((n) => [n.name, n]))
  const patterns = options.actions ?? []
  const tags = options.tags ?? []
  const problems: string[] = []
  let selected = new Set<string>()
  if (patterns.length === 0 && tags.length === 0) selected = new Set(all)
  for (const pattern of patterns) {
    const matches = picomatch(pattern)
    const found = all.filter((name) => matches(name))
    if (found.length === 0) problems.push(`--actions "${pattern}" matches no action${didYouMean(pattern, all)}`)
    found.forEach((n) => selected.add(n))
  }
  const knownTags = new Set(nodes.flatMap((n) => n.tags))
  for (const tag of tags) {
    const found = nodes.filter((n) => n.tags.includes(tag)).map((n) => n.name)
    if (found.length === 0) problems.push(`--tags "${tag}" matches no action${didYouMean(tag, knownTags)}`)
    found.forEach((n) => selected.add(n))
  }
  if (problems.length) return { ok: false, problems }
  const dependents = dependentsIndex(nodes)
  if (options.includeDeps) closure(selected, (n) => byName.get(n)?.dependencies ?? []).forEach((n) => selected.add(n))
  if (options.includeDependents) closure(selected, (n) => dependents.get(n) ?? []).forEach((n) => selected.add(n))
  for (const node of nodes) if (node.isAssertion && node.guards && selected.has(node.guards)) selected.add(node.name)
  return { ok: true, names: selected }
}

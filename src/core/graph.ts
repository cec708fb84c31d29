/** A DAG over action names: edges point from an action to what it depends on. */
export interface GraphNode {
  readonly name: string
  readonly dependencies: readonly string[]
}

/** Every cycle found, each as the full path that closes on itself (a → b → a). */
export function findCycles(nodes: readonly GraphNode[]): string[][] {
  const byName = new Map(nodes.map((n) => [n.name, n]))
  const state = new Map<string, 'visiting' | 'done'>()
  const cycles: string[][] = []
  const seen = new Set<string>()
  const stack: string[] = []
  const visit = (name: string): void => {
    const mark = state.get(name)
    if (mark === 'done') return
    if (mark === 'visiting') {
      const path = [...stack.slice(stack.indexOf(name)), name]
      const key = [...path.slice(0, -1)].sort().join(',')
      if (!seen.has(key)) {
        seen.add(key)
        cycles.push(path)
      }
      return
    }
    state.set(name, 'visiting')
    stack.push(name)
    for (const dep of byName.get(name)?.dependencies ?? []) if (byName.has(dep)) visit(dep)
    stack.pop()
    state.set(name, 'done')
  }
  for (const node of [...nodes].sort((a, b) => a.name.localeCompare(b.name))) visit(node.name)
  return cycles
}

/** name → names that depend on it directly. */
export function dependentsIndex(nodes: readonly GraphNode[]): Map<string, string[]> {
  const index = new Map<string, string[]>(nodes.map((n) => [n.name, []]))
  for (const node of nodes) for (const dep of node.dependencies) index.get(dep)?.push(node.name)
  return index
}

/** Every transitive dependency (or dependent) of the start names, excluding them. */
export function closure(start: Iterable<string>, edges: (name: string) => readonly string[]): Set<string> {
  const found = new Set<string>()
  const queue = [...start]
  const initial = new Set(queue)
  while (queue.length) {
    const name = queue.pop() as string
    for (const next of edges(name)) {
      if (!found.has(next) && !initial.has(next)) {
        found.add(next)
        queue.push(next)
      }
    }
  }
  return found
}

/**
 * Incident replays with their stopping check removed (scripts/incidents-removal.ts): the environment
 * variable PIPELINE_TEST_REMOVE_CHECKS lists checks, comma-separated, that the test harness drops from
 * the real project when it compiles it (compileReal, projectGraph): a standalone assertion by its name
 * (its definition is left out, so nothing waits for it), an inline check by its full `action.check`
 * name or its short name. A name that matches nothing throws, so a removal never passes silently.
 * Only these test helpers read the variable; the engine and the CLI never do.
 */
import type { CompiledAction, CompiledGraph } from '../../src/compiler/compiled.js'
import type { LoadedProject } from '../../src/compiler/load.js'

export const REMOVE_CHECKS_ENV = 'PIPELINE_TEST_REMOVE_CHECKS'

/** The checks the environment asks the harness to remove (none when unset). */
export function removedChecks(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[REMOVE_CHECKS_ENV] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
}

function matches(check: string, removed: readonly string[]): boolean {
  return removed.some((name) => check === name || check.endsWith(`.${name}`))
}

function definitionName(entry: LoadedProject['definitions'][number]): string | null {
  return entry.definition.kind === 'invalid' ? null : entry.definition.name
}

/** The loaded project without the standalone assertions named in `removed`. */
export function withoutRemovedAssertions(loaded: LoadedProject, removed = removedChecks()): LoadedProject {
  if (removed.length === 0) return loaded
  const definitions = loaded.definitions.filter(
    (entry) => !(entry.definition.kind === 'assertion' && removed.includes(definitionName(entry) ?? '')),
  )
  return { ...loaded, definitions }
}

function withoutChecks(action: CompiledAction, removed: readonly string[]): CompiledAction {
  const checks = action.checks.filter((check) => !matches(check.name, removed))
  return checks.length === action.checks.length ? action : { ...action, checks }
}

/**
 * The compiled graph without the inline checks named in `removed`; throws when a name matched neither
 * a check of the graph nor a standalone assertion of `loaded` (left out before compiling).
 */
export function withoutRemovedChecks(
  graph: CompiledGraph,
  loaded: LoadedProject,
  removed = removedChecks(),
): CompiledGraph {
  if (removed.length === 0) return graph
  const assertions = new Set(
    loaded.definitions.filter((entry) => entry.definition.kind === 'assertion').map(definitionName),
  )
  const checks = graph.actions.flatMap((action) => action.checks.map((check) => check.name))
  const unknown = removed.filter((name) => !assertions.has(name) && !checks.some((check) => matches(check, [name])))
  if (unknown.length)
    throw new Error(`${REMOVE_CHECKS_ENV}: no check or assertion named ${unknown.join(', ')} in the project`)
  return { ...graph, actions: graph.actions.map((action) => withoutChecks(action, removed)) }
}

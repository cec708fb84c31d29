/**
 * Incident replays with their stopping check removed (scripts/incidents-removal.ts): the environment
 * variable PIPELINE_TEST_REMOVE_CHECKS lists checks, comma-separated, that the test harness removes from
 * the real project when it compiles it (compileReal, projectGraph): an inline check by its full
 * `action.check` name or its short name, a standalone assertion by its name (its action stays in the
 * graph, so a test may still select it, but it checks nothing, as if its query never found a row). A name
 * that matches nothing throws, so a removal never passes silently. Only these test helpers read the
 * variable; the engine and the CLI never do.
 */
import type { CompiledAction, CompiledGraph } from '../../src/compiler/compiled.js'

export const REMOVE_CHECKS_ENV = 'PIPELINE_TEST_REMOVE_CHECKS'

/** The checks the environment asks the harness to remove (none when unset). */
export function removedChecks(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[REMOVE_CHECKS_ENV] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
}

function removes(name: string, action: CompiledAction, check: string): boolean {
  if (action.kind === 'assertion' && action.name === name) return true
  return check === name || check.endsWith(`.${name}`)
}

/** The compiled graph without the checks named in `removed`; throws when a name matches no check. */
export function withoutRemovedChecks(graph: CompiledGraph, removed = removedChecks()): CompiledGraph {
  if (removed.length === 0) return graph
  const unknown = removed.filter(
    (name) => !graph.actions.some((action) => action.checks.some((check) => removes(name, action, check.name))),
  )
  if (unknown.length)
    throw new Error(`${REMOVE_CHECKS_ENV}: no check or assertion named ${unknown.join(', ')} in the project`)
  const actions = graph.actions.map((action) => {
    const checks = action.checks.filter((check) => !removed.some((name) => removes(name, action, check.name)))
    return checks.length === action.checks.length ? action : { ...action, checks }
  })
  return { ...graph, actions }
}

/**
 * The deploy gate of a backfill: the last successful daily run must have used this build (deploy,
 * then backfill). A failed daily run is no deployment (issue 13), and that stays so after a killed
 * backfill: the range it left half-rewritten (features of the new build, predictions or grading of the
 * old) fails the next daily run's checks, so a newer build is refused until that is repaired. The
 * refusal says how: resume the killed backfill on its own build (the gate still passes for it), or
 * rebuild its dependents over its range on this build so that this build's daily run passes.
 */
import { closure, dependentsIndex } from '../core/graph.js'
import type { CompiledGraph } from '../compiler/compiled.js'
import type { StateStore } from '../state/state-store.js'
import type { UnfinishedBackfill } from '../state/state-records.js'
import type { PreflightCheck } from './backfill.js'
import type { RunInfo } from './run-info.js'

const short = (sha: string) => sha.slice(0, 12)

/** The "deployed before backfill" check for a backfill of [from, to] by `run`. */
export async function deployGate(
  graph: CompiledGraph,
  state: StateStore,
  run: RunInfo,
  range: { readonly from: string; readonly to: string },
): Promise<PreflightCheck> {
  const name = 'deployed before backfill'
  const daily = await state.lastRun('daily')
  if (daily === null) return { name, ok: true, detail: 'no successful daily run recorded yet' }
  if (daily.buildCommitSha === run.buildCommitSha)
    return { name, ok: true, detail: `the last successful daily run (${daily.startedAt}) used this build` }
  const parts = [
    `production runs ${daily.buildCommitSha} (last successful daily run ${daily.runId} at ${daily.startedAt}), this backfill would run ${run.buildCommitSha}: deploy this build (and let a daily run record it) before backfilling`,
  ]
  const own = await state.lastRunOfBuild('daily', run.buildCommitSha)
  if (own && own.status !== 'succeeded')
    parts.push(`its daily run ${own.runId} (${own.startedAt}) ended ${own.status}, and only a successful one counts`)
  const killed = (await state.unfinishedBackfills(range.from, range.to)).find(
    (b) => b.buildCommitSha !== run.buildCommitSha,
  )
  if (killed) parts.push(killedBackfillAdvice(graph, killed))
  return { name, ok: false, detail: parts.join('; ') }
}

/** What to do about a backfill that never finished, overlapping the range. */
function killedBackfillAdvice(graph: CompiledGraph, killed: UnfinishedBackfill): string {
  const range = `${killed.fromDate}..${killed.toDate}`
  const head = `the backfill ${killed.runId} of ${range} (build ${short(killed.buildCommitSha)}) ended ${killed.status}, leaving its range half-rewritten, which fails the daily checks there`
  const resume = `resume it on its build (check out ${short(killed.buildCommitSha)} and run the same backfill)`
  const dependents = staleDependents(graph, killed.selection)
  if (dependents.length === 0) return `${head}: ${resume}`
  return `${head}: ${resume}, or rebuild what depends on it on this build, \`pipeline run --actions ${dependents.join(',')} --from ${killed.fromDate} --to ${killed.toDate} --restate\`, so that this build's daily run passes, then backfill`
}

/** The built dependents of the killed backfill's selected actions (the part it may have left stale). */
function staleDependents(graph: CompiledGraph, selection: string | null): string[] {
  const actions = parseActions(selection)
  const byName = new Map(graph.actions.map((a) => [a.name, a]))
  const selected = new Set(actions.filter((a) => byName.has(a)))
  const dependents = dependentsIndex(graph.actions)
  const downstream = closure(selected, (n) => dependents.get(n) ?? [])
  return graph.actions
    .filter((a) => downstream.has(a.name) && !selected.has(a.name))
    .filter((a) => a.kind === 'incremental' || a.kind === 'table')
    .map((a) => a.name)
}

function parseActions(selection: string | null): string[] {
  try {
    const parsed: unknown = JSON.parse(selection ?? 'null')
    if (typeof parsed !== 'object' || parsed === null || !('actions' in parsed)) return []
    const { actions } = parsed
    return Array.isArray(actions) ? actions.filter((a): a is string => typeof a === 'string') : []
  } catch {
    return []
  }
}

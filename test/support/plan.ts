import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { LiveColumn } from '../../src/engines/adapter.js'
import type { Dialect } from '../../src/engines/dialect.js'
import { relationKey } from '../../src/runner/plan-env.js'
import { planActions } from '../../src/runner/planner.js'
import type { RunInfo } from '../../src/runner/run-info.js'
import type { ActionPlan } from '../../src/runner/steps.js'

export const FIXED_RUN: RunInfo = {
  id: 'run-golden',
  buildCommitSha: 'abc123',
  deploymentRevision: 'local',
  mode: 'daily',
  startedAt: '2026-01-10T12:00:00.000Z',
}

/**
 * Plan a compiled graph offline: every incremental action builds one batch [start, end), and the
 * relations given exist with those columns (all others do not).
 */
export function planOffline(
  graph: CompiledGraph,
  dialect: Dialect,
  options: { start: string; end: string; relations?: Readonly<Record<string, readonly LiveColumn[]>> },
): ActionPlan[] {
  const interval = { start: options.start, end: options.end }
  const intervals = new Map(
    graph.actions
      .filter((a) => a.kind === 'incremental')
      .map((a) => [a.name, { range: interval, batches: [interval] }]),
  )
  const relations = new Map<string, readonly LiveColumn[] | null>()
  for (const action of graph.actions)
    if (action.kind === 'incremental')
      relations.set(relationKey(action.target), options.relations?.[action.name] ?? null)
  return planActions(graph.actions, {
    dialect,
    graph,
    run: FIXED_RUN,
    intervals,
    relations,
    fullRefresh: false,
    skipAssertions: false,
    clearIntervals: () => {
      throw new Error('no full refresh offline')
    },
  })
}

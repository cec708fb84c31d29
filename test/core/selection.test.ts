/** --actions / --tags / --include-deps / --include-dependents resolved to action names (src/core/selection.ts). */
import { describe, expect, it } from 'vitest'
import { selectActions } from '../../src/core/selection.js'
import type { SelectableNode, SelectionOptions } from '../../src/core/selection.js'

/**
 * raw_games → player_stats → ml_features → predictions → grading, plus team_stats (raw_games) feeding
 * ml_features, and an unrelated report. Assertions guard player_stats and predictions.
 */
const NODES: readonly SelectableNode[] = [
  { name: 'raw_games', dependencies: [], tags: ['sources'] },
  { name: 'player_stats', dependencies: ['raw_games'], tags: ['daily', 'precompute'] },
  { name: 'team_stats', dependencies: ['raw_games'], tags: ['daily', 'precompute'] },
  { name: 'ml_features', dependencies: ['player_stats', 'team_stats'], tags: ['daily'] },
  { name: 'predictions', dependencies: ['ml_features'], tags: ['daily', 'serving'] },
  { name: 'grading', dependencies: ['predictions'], tags: [] },
  { name: 'ops_report', dependencies: [], tags: ['reports'] },
  {
    name: 'player_stats_unique',
    dependencies: ['player_stats'],
    tags: [],
    guards: 'player_stats',
    isAssertion: true,
  },
  { name: 'predictions_fed', dependencies: ['predictions'], tags: [], guards: 'predictions', isAssertion: true },
]

function select(options: SelectionOptions): string[] {
  const result = selectActions(NODES, options)
  if (!result.ok) throw new Error(result.problems.join('\n'))
  return [...result.names].sort()
}

function problems(options: SelectionOptions): readonly string[] {
  const result = selectActions(NODES, options)
  return result.ok ? [] : result.problems
}

describe('selectActions', () => {
  it('selects every action when neither --actions nor --tags is given', () => {
    expect(select({})).toEqual(NODES.map((n) => n.name).sort())
    expect(select({ actions: [], tags: [] })).toHaveLength(NODES.length)
  })

  it('selects names and globs, and no more', () => {
    expect(select({ actions: ['ml_features'] })).toEqual(['ml_features'])
    expect(select({ actions: ['*_stats', 'grading'] })).toEqual(
      ['grading', 'player_stats', 'team_stats', 'player_stats_unique'].sort(),
    )
    expect(select({ actions: ['{ops,raw}_*'] })).toEqual(['ops_report', 'raw_games'])
  })

  it('selects by tag, and the union of names and tags', () => {
    expect(select({ tags: ['precompute'] })).toEqual(['player_stats', 'player_stats_unique', 'team_stats'])
    expect(select({ tags: ['serving'], actions: ['ops_report'] })).toEqual([
      'ops_report',
      'predictions',
      'predictions_fed',
    ])
  })

  it('adds every upstream with --include-deps, transitively', () => {
    expect(select({ actions: ['predictions'], includeDeps: true })).toEqual(
      [
        'predictions',
        'ml_features',
        'player_stats',
        'team_stats',
        'raw_games',
        'player_stats_unique',
        'predictions_fed',
      ].sort(),
    )
  })

  it('adds every downstream with --include-dependents, transitively, not the siblings', () => {
    expect(select({ actions: ['team_stats'], includeDependents: true })).toEqual(
      ['team_stats', 'ml_features', 'predictions', 'grading', 'predictions_fed'].sort(),
    )
    expect(select({ actions: ['team_stats'], includeDependents: true })).not.toContain('player_stats')
  })

  it('adds both directions when both are asked', () => {
    expect(select({ actions: ['ml_features'], includeDeps: true, includeDependents: true })).toEqual(
      NODES.map((n) => n.name)
        .filter((n) => n !== 'ops_report')
        .sort(),
    )
  })

  it('brings the assertions guarding a selected action along, and only those', () => {
    expect(select({ actions: ['player_stats'] })).toEqual(['player_stats', 'player_stats_unique'])
    expect(select({ actions: ['ml_features'] })).not.toContain('player_stats_unique')
    // an assertion selected on its own does not pull in what it guards
    expect(select({ actions: ['predictions_fed'] })).toEqual(['predictions_fed'])
  })

  it('refuses a name, glob or tag that matches nothing, naming it with the closest match, and selects nothing', () => {
    expect(problems({ actions: ['ml_feature'] })).toEqual([
      '--actions "ml_feature" matches no action; did you mean "ml_features"?',
    ])
    expect(problems({ actions: ['nothing_*'] })).toEqual(['--actions "nothing_*" matches no action'])
    expect(problems({ tags: ['dayly'] })).toEqual(['--tags "dayly" matches no action; did you mean "daily"?'])
    expect(problems({ actions: ['predictions', 'gradng'], tags: ['servng'], includeDeps: true })).toEqual([
      '--actions "gradng" matches no action; did you mean "grading"?',
      '--tags "servng" matches no action; did you mean "serving"?',
    ])
  })
})

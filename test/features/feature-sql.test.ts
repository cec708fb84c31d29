import { beforeAll, describe, expect, it } from 'vitest'
import { loadProject } from '../../src/compiler/load.js'
import { compileProject } from '../../src/compiler/compile.js'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { bigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import { parseBigQuery } from '../support/bigquery-parse.js'
import { REPO_ROOT } from '../support/fixtures.js'

/** The actions of the sources, precompute and feature-store layers and their assertions. */
const FEATURE_ACTIONS = [
  'player_daily_cache',
  'team_defense_zone_analysis',
  'player_shot_zone_analysis',
  'player_composite_factors',
  'ml_feature_store_v2',
  'player_game_summary_health',
  'upcoming_context_usage_baseline_loaded',
  'odds_api_props_present',
  'odds_api_props_thin',
  'composite_fatigue_matches_context',
  'composite_fatigue_mean',
  'feature_store_back_to_back_share',
  'feature_store_back_to_back_matches_context',
  'feature_store_team_win_pct_not_default',
  'feature_store_fatigue_mean',
  'feature_store_vegas_coverage',
  'feature_store_vegas_coverage_low',
  'feature_store_one_version',
  'feature_store_points_avg_no_leak',
  'feature_store_contributing_dates_before',
]

const graphs: Partial<Record<'duckdb' | 'bigquery', CompiledGraph>> = {}

beforeAll(async () => {
  const loaded = await loadProject(REPO_ROOT)
  graphs.duckdb = compileProject(loaded, duckDbDialect)
  graphs.bigquery = compileProject(loaded, bigQueryDialect)
})

function texts(graph: CompiledGraph, name: string): string[] {
  const action = graph.actions.find((a) => a.name === name)
  if (!action) throw new Error(`no action ${name}`)
  return [
    action.sql.query ?? '',
    action.sql.fullQuery ?? '',
    ...action.checks.flatMap((c) => [c.summarySql, c.offendingSql ?? '']),
  ].filter(Boolean)
}

describe('the feature layers compile for both engines', () => {
  it('compiles the project without issues', () => {
    expect(graphs.duckdb?.issues).toEqual([])
    expect(graphs.bigquery?.issues).toEqual([])
  })

  it('renders BigQuery SQL that parses, for every query and check', () => {
    for (const name of FEATURE_ACTIONS)
      for (const text of texts(graphs.bigquery as CompiledGraph, name))
        expect(() => parseBigQuery(text), name).not.toThrow()
  })

  it('writes no date literal in feature or window SQL (A-04c): windows derive from D or season_year', () => {
    for (const engine of ['duckdb', 'bigquery'] as const) {
      for (const name of FEATURE_ACTIONS) {
        for (const text of texts(graphs[engine] as CompiledGraph, name)) {
          expect(text, `${engine} ${name}`).not.toMatch(/'\d{4}-\d{2}-\d{2}'/)
          expect(text, `${engine} ${name}`).not.toMatch(/\bDATE\s*'/i)
        }
      }
    }
  })

  it("has every reader of bettingpros_player_points_props filter market_type = 'points' (A-09a)", () => {
    const graph = graphs.bigquery as CompiledGraph
    const readers = graph.actions.filter(
      (a) => a.dependencies.includes('bettingpros_player_points_props') && a.sql.query,
    )
    expect(readers.map((a) => a.name)).toContain('ml_feature_store_v2')
    for (const reader of readers) expect(reader.sql.query, reader.name).toMatch(/market_type = 'points'/)
  })

  it('declares the precompute tables and the feature store as incrementals on their date column with strict windows', () => {
    const graph = graphs.duckdb as CompiledGraph
    const interval = (name: string) => {
      const definition = graph.actions.find((a) => a.name === name)?.definition
      return definition?.kind === 'incremental' ? [definition.interval.column, definition.write.strategy] : null
    }
    expect(interval('player_daily_cache')).toEqual(['cache_date', 'replace_interval'])
    expect(interval('team_defense_zone_analysis')).toEqual(['analysis_date', 'replace_interval'])
    expect(interval('player_shot_zone_analysis')).toEqual(['analysis_date', 'replace_interval'])
    expect(interval('player_composite_factors')).toEqual(['game_date', 'replace_interval'])
    expect(interval('ml_feature_store_v2')).toEqual(['game_date', 'merge'])
    // history is strict: a game on D never counts for D (team history joins, player history frames)
    for (const name of ['player_daily_cache', 'ml_feature_store_v2']) {
      const query = graph.actions.find((a) => a.name === name)?.sql.query ?? ''
      // team history: counts of the team's games in frames ending the day before D
      expect(query).toMatch(
        /PARTITION BY team_abbr ORDER BY day_number RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING/,
      )
      expect(query).not.toMatch(/g\.game_date <= k\.game_date/)
      expect(query).toMatch(/RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING/)
      expect(query).not.toMatch(/CURRENT ROW|FOLLOWING/)
      expect(query).toContain('g.game_date < w.target_date')
    }
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checks } from '../../src/assertions/checks.js'
import { queryCheck } from '../../src/assertions/query-check.js'
import type { CheckContext, CheckDefinition } from '../../src/assertions/types.js'
import { bigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import type { Dialect, EngineId } from '../../src/engines/dialect.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { parseBigQuery } from '../support/bigquery-parse.js'
import { compileFixture, memoryAdapter } from '../support/fixtures.js'

const DIALECTS: Record<EngineId, Dialect> = { duckdb: duckDbDialect, bigquery: bigQueryDialect }

interface GoldenCase {
  readonly checks: readonly CheckDefinition[]
  readonly partitionColumn?: string | null
  readonly restrictToInterval?: boolean
}

/** One case per built-in (and the variants whose SQL differs), rendered against analytics.daily_features. */
const CASES: Record<string, GoldenCase> = {
  'unique-key': { checks: [checks.uniqueKey({ columns: ['player_lookup', 'game_date'] })] },
  'unique-key-whole-table': {
    checks: [checks.uniqueKey({ columns: ['player_lookup', 'game_id'] })],
    partitionColumn: null,
  },
  'non-null': { checks: [checks.nonNull({ columns: ['game_id', 'player_lookup'] })] },
  'accepted-values': {
    checks: [
      checks.acceptedValues({
        column: 'vegas_line_source',
        values: ['odds_api', 'bettingpros', 'both', 'none'],
        allowNull: false,
      }),
    ],
  },
  range: { checks: [checks.range({ column: 'fatigue_score', min: 0, max: 100 })] },
  'zero-share': {
    checks: [checks.zeroShare({ column: 'usage_spike_score', max: 0.5, includeNull: true, severity: 'warn' })],
  },
  'zero-share-interval': { checks: [checks.zeroShare({ column: 'pace_score', max: 0.5 })], restrictToInterval: true },
  'null-share': { checks: [checks.nullShare({ column: 'vegas_points_line', max: 0.5, where: 'has_prop' })] },
  'not-constant': {
    checks: [
      checks.notConstant({ column: 'team_win_pct', minStddev: 0.05, minDistinct: 5, minRows: 50, severity: 'warn' }),
    ],
  },
  'row-count': { checks: [checks.rowCount({ min: 100, allowEmpty: false })] },
  'row-count-relative-interval': {
    checks: [
      checks.rowCount({
        relativeTo: 'upcoming_player_game_context',
        minRatio: 0.9,
        upstreamDistinct: 'player_lookup',
        minRows: 20,
      }),
    ],
    restrictToInterval: true,
  },
  'row-count-relative-whole-table': {
    checks: [checks.rowCount({ relativeTo: 'upcoming_player_game_context', minRatio: 0.9 })],
    partitionColumn: null,
  },
  'distinct-count': { checks: [checks.distinctCount({ column: 'feature_version', min: 1, max: 1 })] },
  freshness: { checks: [checks.freshness({ maxAgeDays: 1 })] },
  'freshness-interval': {
    checks: [checks.freshness({ maxAgeDays: 0, column: 'game_date' })],
    restrictToInterval: true,
  },
  expression: { checks: [checks.expression({ name: 'dnp_has_no_points', condition: 'NOT is_dnp OR points IS NULL' })] },
  'sources-present': {
    checks: checks.sourcesPresent({
      families: { vegas: 'vegas_line_source', minutes_ppm: { column: 'feature_sources', index: [31, 32] } },
      min: 0.8,
    }),
  },
  'query-whole': {
    checks: [
      queryCheck({
        name: 'no_huge_predictions',
        severity: 'warn',
        sql: 'SELECT player_lookup FROM analytics.daily_features WHERE points >= 55',
      }),
    ],
    partitionColumn: null,
  },
}

function context(dialect: Dialect, golden: GoldenCase): CheckContext {
  return {
    dialect,
    relation: dialect.formatTarget({ dataset: 'analytics', name: 'daily_features' }),
    partitionColumn: golden.partitionColumn === undefined ? 'game_date' : golden.partitionColumn,
    resolveRelation: (name) => dialect.formatTarget({ dataset: 'analytics', name }),
    restrictToInterval: golden.restrictToInterval ?? false,
  }
}

function statements(
  dialect: Dialect,
  golden: GoldenCase,
): { name: string; summary: string; offending: string | null }[] {
  return golden.checks.map((check) => {
    const rendered = check.render(context(dialect, golden))
    return { name: check.name, summary: rendered.summarySql, offending: rendered.offendingSql }
  })
}

function goldenText(dialect: Dialect, golden: GoldenCase): string {
  return statements(dialect, golden)
    .map(
      (s) =>
        `-- ${s.name}: summary\n${s.summary};\n${s.offending ? `\n-- ${s.name}: offending rows\n${s.offending};\n` : ''}`,
    )
    .join('\n')
}

describe('golden SQL of the built-in checks', () => {
  for (const engine of ['duckdb', 'bigquery'] as const) {
    for (const [name, golden] of Object.entries(CASES)) {
      it(`${engine}: ${name}`, async () => {
        await expect(goldenText(DIALECTS[engine], golden)).toMatchFileSnapshot(
          `../golden/${engine}/assertions/${name}.sql`,
        )
      })
    }
  }

  it('every BigQuery statement parses', () => {
    let count = 0
    for (const golden of Object.values(CASES)) {
      for (const s of statements(bigQueryDialect, golden)) {
        parseBigQuery(s.summary)
        if (s.offending) parseBigQuery(s.offending)
        count++
      }
    }
    expect(count).toBeGreaterThan(Object.keys(CASES).length)
  })

  it('every check of the checks fixture compiles to BigQuery SQL that parses', async () => {
    const graph = await compileFixture('checks', 'bigquery')
    expect(graph.issues).toEqual([])
    const compiled = graph.actions.flatMap((a) => a.checks)
    expect(compiled.length).toBe(16)
    for (const check of compiled) {
      parseBigQuery(check.summarySql)
      if (check.offendingSql) parseBigQuery(check.offendingSql)
    }
  })

  it('never quotes identifiers with double quotes or uses $ parameters in BigQuery', () => {
    for (const golden of Object.values(CASES)) {
      for (const s of statements(bigQueryDialect, golden))
        expect(`${s.summary}\n${s.offending ?? ''}`).not.toMatch(/"[a-z_]+"|\$[a-z_]/)
    }
  })
})

describe('DuckDB statements of the golden cases', () => {
  let adapter: DuckDbAdapter
  beforeAll(async () => {
    adapter = await memoryAdapter()
    await adapter.execute(`CREATE SCHEMA analytics;
      CREATE TABLE analytics.daily_features (player_lookup VARCHAR, game_date DATE, game_id VARCHAR, vegas_line_source VARCHAR,
        fatigue_score DOUBLE, usage_spike_score DOUBLE, pace_score DOUBLE, vegas_points_line DOUBLE, has_prop BOOLEAN, team_win_pct DOUBLE,
        feature_version VARCHAR, is_dnp BOOLEAN, points DOUBLE, feature_sources VARCHAR[]);
      INSERT INTO analytics.daily_features VALUES
        ('a', DATE '2026-01-09', 'g1', 'none', 0, 0, 0, NULL, TRUE, 0.5, 'v1', TRUE, 3, ['phase4', 'missing']),
        ('a', DATE '2026-01-09', 'g1', 'odds_api', 120, 1, 1, 20.5, TRUE, 0.5, 'v2', FALSE, 60, ['phase4', 'missing']),
        ('b', DATE '2026-01-09', NULL, NULL, 50, NULL, 0, NULL, TRUE, 0.5, 'v1', FALSE, 10, NULL);
      CREATE TABLE analytics.upcoming_player_game_context AS
        SELECT * FROM (VALUES ('a', DATE '2026-01-09'), ('b', DATE '2026-01-09'), ('c', DATE '2026-01-09'), ('d', DATE '2026-01-10')) t(player_lookup, game_date)`)
  })
  afterAll(async () => {
    await adapter.close()
  })

  it('runs every summary and offending query', async () => {
    const params = { interval_start: '2026-01-01', interval_end: '2026-02-01', reference_date: '2026-01-20' }
    for (const golden of Object.values(CASES)) {
      for (const s of statements(duckDbDialect, golden)) {
        const rows = await adapter.query(s.summary, { params })
        expect(rows.length, s.name).toBeGreaterThan(0)
        expect(Object.keys(rows[0] ?? {}).slice(0, 3), s.name).toEqual(['partition_value', 'observed', 'row_count'])
        // The three rows break every case, or are too few to judge (minRows)
        expect(
          rows.some((r) => r.passed === false || r.skipped === true),
          s.name,
        ).toBe(true)
        if (s.offending) await adapter.query(s.offending, { params })
      }
    }
  })
})

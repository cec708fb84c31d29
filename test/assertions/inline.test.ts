import { describe, expect, it } from 'vitest'
import { checks } from '../../src/assertions/checks.js'
import { expandInlineAssertions, inlineAssertionsSchema } from '../../src/assertions/inline.js'
import type { InlineAssertions } from '../../src/assertions/inline.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import { assertion, incremental, sql } from '../../src/index.js'

function expand(config: InlineAssertions) {
  return expandInlineAssertions(inlineAssertionsSchema.parse(config))
}

function issuesOf(definition: unknown): string[] {
  const d = definition as { kind: string; issues?: { message: string }[] }
  return d.kind === 'invalid' ? (d.issues ?? []).map((i) => i.message) : []
}

const feature = (assertions: unknown) =>
  incremental({
    name: 'ml_feature_store_v2',
    interval: { column: 'game_date', start: '2021-11-01' },
    write: { strategy: 'replace_interval' },
    assertions: assertions as InlineAssertions,
    query: () => sql`select 1`,
  })

describe('inline assertions config', () => {
  it('accepts the domain shape and expands it into named checks with their severities', () => {
    const expanded = expand({
      zeroShare: [{ column: 'usage_spike_score', max: 0.5, includeNull: true, severity: 'warn' }],
      notConstant: [{ column: 'usage_spike_score', minStddev: 0.0001, minDistinct: 2 }],
      range: { fatigue_score: { min: 0, max: 100 } },
      rowCount: { relativeTo: 'upcoming_player_game_context', minRatio: 0.9 },
    })
    expect(expanded.map((c) => [c.name, c.builtin, c.severity])).toEqual([
      ['fatigue_score_range', 'range', 'error'],
      ['usage_spike_score_zero_share', 'zeroShare', 'warn'],
      ['usage_spike_score_not_constant', 'notConstant', 'error'],
      ['row_count', 'rowCount', 'error'],
    ])
    expect(expanded.find((c) => c.builtin === 'rowCount')?.dependsOn).toEqual(['upcoming_player_game_context'])
  })

  it('takes one spec or a list, bare columns for keys, and a name override', () => {
    const expanded = expand({
      uniqueKey: ['player_lookup', 'game_date'],
      nonNull: [{ columns: ['game_id'], severity: 'warn', name: 'has_game' }],
      acceptedValues: {
        vegas_line_source: ['odds_api', 'bettingpros', 'both', 'none'],
        feature_version: { values: ['v2_37features'], allowNull: false },
      },
      nullShare: { column: 'vegas_points_line', max: 0.5, name: 'vegas_coverage_error' },
      freshness: { maxAgeDays: 1 },
      expression: [{ name: 'dnp_has_no_points', condition: 'NOT is_dnp OR points IS NULL' }],
      distinctCount: { column: 'feature_version', min: 1, max: 1 },
      sourcesPresent: { families: { vegas: 'vegas_line_source' }, min: 0.8, name: 'vegas_found' },
    })
    expect(expanded.map((c) => c.name)).toEqual([
      'unique_key',
      'has_game',
      'vegas_line_source_accepted_values',
      'feature_version_accepted_values',
      'vegas_coverage_error',
      'feature_version_distinct_count',
      'freshness',
      'dnp_has_no_points',
      'vegas_found',
    ])
  })

  it('applies the block minRows unless a check sets its own', () => {
    const [zero, nulls] = expand({
      minRows: 50,
      zeroShare: { column: 'pace_score', max: 0.5 },
      nullShare: { column: 'pace_score', max: 0.5, minRows: 0 },
    })
    const ctx = {
      dialect: duckDbDialect,
      relation: 't',
      partitionColumn: 'game_date',
      resolveRelation: (n: string) => n,
    }
    expect(zero?.render(ctx).summarySql).toContain('row_count < 50')
    expect(nulls?.render(ctx).summarySql).toContain('row_count < 0')
  })

  it('reports unknown keys and bad values with the action and the path', () => {
    expect(issuesOf(feature({ zeroShare: [{ column: 'pace_score', maxx: 0.5 }] }))).toEqual([
      'invalid incremental config at "assertions.zeroShare": expected a zeroShare spec or a list of them: 0.max: Invalid input: expected number, received undefined; 0: Unrecognized key: "maxx"',
    ])
    expect(issuesOf(feature({ zeroShare: { column: 'pace_score', max: 1.5 } }))).toEqual([
      'invalid incremental config at "assertions.zeroShare.max": Too big: expected number to be <=1',
    ])
    expect(issuesOf(feature({ range: { fatigue_score: {} } }))).toEqual([
      'invalid incremental config at "assertions.range.fatigue_score": give min, max or both',
    ])
    expect(issuesOf(feature({ zeroShares: [] }))).toEqual([
      'unknown incremental config key "assertions.zeroShares"; remove it or check its spelling',
    ])
    expect(issuesOf(feature({ rowCount: { minRatio: 0.9 } }))[0]).toContain('give min, relativeTo, or both')
  })

  it('refuses two checks with the same name', () => {
    const issues = issuesOf(
      feature({
        nullShare: [
          { column: 'vegas_points_line', max: 0.5 },
          { column: 'vegas_points_line', max: 0.2, severity: 'warn' },
        ],
      }),
    )
    expect(issues).toEqual([
      'invalid incremental config at "assertions": two checks are named "vegas_points_line_null_share"; give one of them a different name',
    ])
  })
})

describe('standalone assertions with built-in checks', () => {
  it('take a target and checks from checks.*', () => {
    const health = assertion({
      name: 'feature_health',
      target: 'ml_feature_store_v2',
      checks: [
        checks.zeroShare({ column: 'pace_score', max: 0.5 }),
        checks.sourcesPresent({ families: { vegas: 'vegas_line_source' }, min: 0.8 }),
      ],
    })
    expect(health.kind).toBe('assertion')
  })

  it('need either a query or a target with checks', () => {
    expect(issuesOf(assertion({ name: 'nothing' }))).toEqual([
      'invalid assertion config at "(root)": give either query, or target with checks',
    ])
    expect(issuesOf(assertion({ name: 'half', target: 'orders' }))).toEqual([
      'invalid assertion config at "(root)": target and checks go together',
    ])
    expect(issuesOf(assertion({ name: 'wrong', target: 'orders', checks: [{ column: 'x' } as never] }))[0]).toContain(
      'must be a check from checks.*',
    )
    const dupes = assertion({
      name: 'dupes',
      target: 'orders',
      checks: [checks.nonNull({ columns: ['a'] }), checks.nonNull({ columns: ['a'] })],
    })
    expect(issuesOf(dupes)).toEqual([
      'invalid assertion config at "checks": two checks are named "a_non_null"; give one of them a different name',
    ])
  })

  it('checks.* refuse an invalid spec with the path', () => {
    expect(() => checks.zeroShare({ column: 'Pace', max: 2 })).toThrow(
      'checks.zeroShare({"column":"Pace","max":2}): column: use a snake_case column name; max: Too big: expected number to be <=1',
    )
  })
})

describe('compiling assertions that name other actions', () => {
  it('reports an unknown target or relativeTo with a did-you-mean', async () => {
    const { compileProject } = await import('../../src/compiler/compile.js')
    const definitions = [
      incremental({
        name: 'features',
        interval: { column: 'day', start: '2026-01-01' },
        write: { strategy: 'replace_interval' },
        assertions: { rowCount: { relativeTo: 'rostr', minRatio: 0.9 } },
        query: () => sql`select 1 as day`,
      }),
      assertion({ name: 'health', target: 'featurez', checks: [checks.nullShare({ column: 'x', max: 0.1 })] }),
      assertion({ name: 'roster_ok', query: (ctx) => sql`select * from ${ctx.ref('features' as never)} where false` }),
    ].map((definition) => ({ definition, file: 'definitions/x.ts', exportName: 'x' }))
    const roster = {
      definition: incremental({
        name: 'roster',
        interval: { column: 'day', start: '2026-01-01' },
        write: { strategy: 'append' },
        query: () => sql`select 1 as day`,
      }),
      file: 'definitions/r.ts',
      exportName: 'r',
    }
    const graph = compileProject(
      { root: '/x', definitions: [...definitions, roster], project: undefined, issues: [] },
      duckDbDialect,
    )
    expect(graph.issues.map((i) => `${i.action}: ${i.message}`)).toEqual([
      'features: unknown dependency "rostr"; did you mean "roster"?',
      'health: unknown dependency "featurez"; did you mean "features"?',
    ])
  })
})

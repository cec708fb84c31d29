import { describe, expect, it } from 'vitest'
import { parseReportArgs } from '../../src/cli/commands/report.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import { defineReport, sql } from '../../src/index.js'
import { paramFlag, paramSqlName, resolveReportParams } from '../../src/reports/report-params.js'
import { renderReport } from '../../src/reports/run-report.js'
import { compileFixture } from '../support/fixtures.js'

const report = defineReport({
  name: 'volume',
  description: 'rows per day',
  params: {
    country: { description: 'country code', pattern: /^[a-z]{2}$/ },
    minEdge: { description: 'smallest edge', type: 'FLOAT64', default: 1.5 },
    tier: { description: 'customer tier', values: ['gold', 'silver'], default: 'gold' },
    since: { description: 'first signup date', type: 'DATE' },
    limit: { description: 'at most this many', type: 'INT64' },
    active: { description: 'active customers only', type: 'BOOL', default: true },
  },
  columns: [{ name: 'n', format: 'integer' }],
  query: (ctx) =>
    sql`select ${ctx.group} as group_key, count(*) as n from ${ctx.ref('customers')}
      where country = ${ctx.params.country} and edge >= ${ctx.params.minEdge} and day >= ${ctx.params.from}`,
})

describe('report parameters', () => {
  it('types ctx.params from the declared names', () => {
    defineReport({
      name: 'typed',
      description: 'd',
      params: { country: { description: 'c' } },
      columns: [{ name: 'n' }],
      // @ts-expect-error: "contry" is not a declared parameter
      query: (ctx) => sql`select ${ctx.params.contry} as group_key, 1 as n`,
    })
  })

  it('maps camelCase names to kebab-case flags and snake_case SQL parameters', () => {
    expect(paramFlag('minEdge')).toBe('--min-edge')
    expect(paramSqlName('minEdge')).toBe('report_min_edge')
  })

  it('binds declared parameters as typed query parameters, never as text', async () => {
    const graph = await compileFixture('shop')
    const text = renderReport(report, { graph, dialect: duckDbDialect, by: null })
    expect(text).toContain('country = CAST($report_country AS VARCHAR)')
    expect(text).toContain('edge >= CAST($report_min_edge AS DOUBLE)')
    expect(text).toContain('CAST($report_from AS DATE)')
  })

  it('parses command-line text by declared type and falls back to the default, else null', () => {
    expect(resolveReportParams(report, {})).toEqual({
      country: null,
      minEdge: 1.5,
      tier: 'gold',
      since: null,
      limit: null,
      active: true,
    })
    expect(
      resolveReportParams(report, {
        country: 'fr',
        'min-edge': '2.25',
        tier: 'silver',
        since: '2026-01-09',
        limit: '10',
        active: 'false',
      }),
    ).toEqual({ country: 'fr', minEdge: 2.25, tier: 'silver', since: '2026-01-09', limit: 10, active: false })
    expect(resolveReportParams(report, { minEdge: '3' }).minEdge).toBe(3)
  })

  it('refuses values that do not fit the declaration, naming the report, the flag and what it takes', () => {
    const bad = (given: Record<string, string>) => () => resolveReportParams(report, given)
    expect(bad({ country: "fr' or 1=1 --" })).toThrow(
      /Report "volume": --country "fr' or 1=1 --" is not a value matching \/\^\[a-z\]\{2\}\$\/ \(country code\)/,
    )
    expect(bad({ tier: 'bronze' })).toThrow(/--tier "bronze" is not one of gold, silver/)
    expect(bad({ 'min-edge': 'lots' })).toThrow(/--min-edge "lots" is not a number/)
    expect(bad({ limit: '1.5' })).toThrow(/--limit "1.5" is not an integer/)
    expect(bad({ since: '2026-02-30' })).toThrow(/--since "2026-02-30" is not a date/)
    expect(bad({ active: 'yes' })).toThrow(/--active "yes" is not true or false/)
  })

  it('refuses an undeclared parameter with a did-you-mean and the list', () => {
    expect(() => resolveReportParams(report, { contry: 'fr' })).toThrow(
      'Report "volume" has no parameter --contry; did you mean "--country"?; its parameters: --country, --min-edge, --tier, --since, --limit, --active',
    )
  })

  it('refuses reserved names and defaults that do not fit the declaration', () => {
    const base = { name: 'x', description: 'd', columns: [{ name: 'n' }], query: () => sql`select 1` }
    expect(() => defineReport({ ...base, params: { from: { description: 'd' } } })).toThrow(/params\.from: reserved/)
    expect(() => defineReport({ ...base, params: { n: { description: 'd', type: 'INT64', default: 'a' } } })).toThrow(
      /params\.n\.default: must be a number for a INT64 parameter/,
    )
    expect(() => defineReport({ ...base, params: { n: { description: 'd', values: ['a'], default: 'b' } } })).toThrow(
      /"b" is not one of the accepted values/,
    )
  })
})

describe('parseReportArgs', () => {
  it('splits the report name from --name VALUE, --name=VALUE and --param name=VALUE', () => {
    expect(parseReportArgs(['--system=x', 'hit-rate', '--min-edge', '-3'], ['tier=gold'])).toEqual({
      operands: ['hit-rate'],
      params: { system: 'x', 'min-edge': '-3', tier: 'gold' },
    })
  })

  it('refuses a parameter without a value or given twice', () => {
    expect(() => parseReportArgs(['hit-rate', '--system'], [])).toThrow(/--system: give a report parameter as/)
    expect(() => parseReportArgs(['hit-rate', '--system', 'a'], ['system=b'])).toThrow(/--system is given twice/)
    expect(() => parseReportArgs([], ['system'])).toThrow(/--param system: give a report parameter as/)
  })
})

import { beforeAll, describe, expect, it } from 'vitest'
import type { CompiledAction, CompiledGraph } from '../../src/compiler/compiled.js'
import { bigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import type { Target } from '../../src/engines/dialect.js'
import { loadReports, renderReport } from '../../src/reports/run-report.js'
import { planToJson } from '../../src/runner/plan-json.js'
import { planOffline } from '../support/plan.js'
import { parseBigQuery } from '../support/bigquery-parse.js'
import { REPO_ROOT } from '../support/fixtures.js'
import { compileReal } from './support.js'

/** Every BigQuery statement of the prediction, grading and execution-log actions, their assertions and the report parses. */
const OWN_ACTIONS = ['player_prop_predictions', 'prediction_accuracy']
const OWN_FILES = /^(definitions\/predictions\/|assertions\/(predictions|grading)[^/]*\.ts$)/

let graph: CompiledGraph
const own = (a: CompiledAction) => OWN_ACTIONS.includes(a.name) || OWN_FILES.test(a.file)

beforeAll(async () => {
  graph = await compileReal('bigquery')
})

describe('BigQuery rendering of the predictions, grading and reports', () => {
  it('compiles the project without problems', () => {
    expect(graph.issues).toEqual([])
    expect(graph.actions.filter(own).length).toBeGreaterThanOrEqual(15)
  })

  it('parses each action query, hook, write statement and check', () => {
    const parsed: string[] = []
    for (const action of graph.actions.filter(own)) {
      const texts = [
        action.sql.query,
        action.sql.fullQuery,
        action.sql.reopen,
        ...(action.sql.statements ?? []),
        ...Object.values(action.sql.hooks ?? {}).flat(),
        ...action.checks.flatMap((c) => [c.summarySql, c.offendingSql]),
      ].filter((t): t is string => typeof t === 'string')
      if (action.kind === 'incremental') {
        // Every statement the planner would send for one batch, on a fresh warehouse and on a built one.
        for (const existing of [false, true]) {
          const live = (action.definition.columns ?? []).map((c) => ({ name: c.name, type: c.type, nullable: true }))
          const plans = planOffline(graph, bigQueryDialect, {
            start: '2026-01-09',
            end: '2026-01-10',
            ...(existing ? { relations: { [action.name]: live } } : {}),
          }).filter((p) => p.action.name === action.name)
          texts.push(...planToJson(plans).flatMap((p) => p.batches.flatMap((b) => b.steps.flatMap((s) => s.sql))))
        }
      }
      for (const text of texts) parseBigQuery(text)
      parsed.push(`${action.name}: ${texts.length}`)
    }
    expect(parsed.length).toBeGreaterThanOrEqual(15)
  })

  it("renders the model under BigQuery's 1 MB query limit", () => {
    const query = graph.actions.find((a) => a.name === 'player_prop_predictions')?.sql.query ?? ''
    expect(query).toContain('[OFFSET(')
    expect(new TextEncoder().encode(query).length).toBeLessThan(500_000)
  })

  it('parses the hit-rate report for the total and every grouping', async () => {
    const reports = await loadReports(REPO_ROOT)
    const report = reports.get('hit-rate')
    expect(report).toBeDefined()
    for (const by of [null, ...Object.keys(report?.groupings ?? {})]) {
      const text = renderReport(report!, { graph, dialect: bigQueryDialect, by })
      expect(text).toContain('@report_from')
      parseBigQuery(text)
    }
  })

  it('filters every read of a partitioned prediction table on its partition column', () => {
    const targets = ['player_prop_predictions', 'prediction_accuracy', 'ml_feature_store_v2'].map(
      (name) => graph.actions.find((a) => a.name === name)?.target as Target,
    )
    for (const action of graph.actions.filter((a) => own(a) && a.kind === 'assertion')) {
      for (const target of targets) {
        if (!action.sql.query?.includes(`\`${target.dataset}.${target.name}\``)) continue
        expect(action.sql.query, action.name).toMatch(/game_date (IS NOT NULL|>=|BETWEEN|=)/)
      }
    }
  })
})

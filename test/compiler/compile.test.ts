import { describe, expect, it } from 'vitest'
import { graphToJson } from '../../src/compiler/graph-json.js'
import { compileFixture } from '../support/fixtures.js'

describe('compileProject', () => {
  it('compiles the shop fixture with no issues and resolves refs into dependencies', async () => {
    const graph = await compileFixture('shop')
    expect(graph.issues).toEqual([])
    const orders = graph.actions.find((a) => a.name === 'orders_daily')
    expect(orders?.dependencies).toEqual(['customers', 'raw_orders'])
    expect(orders?.file).toBe('definitions/orders.ts')
    expect(orders?.sql.query).toContain('"raw"."raw_orders"')
    expect(orders?.sql.query).toContain('CAST($interval_start AS DATE)')
  })

  it('makes dependents of an asserted action wait for its standalone assertions', async () => {
    const graph = await compileFixture('shop')
    const totals = graph.actions.find((a) => a.name === 'customer_totals')
    expect(totals?.dependencies).toContain('orders_have_positive_amounts')
    const guard = graph.actions.find((a) => a.name === 'orders_have_positive_amounts')
    expect(guard?.kind === 'assertion' ? guard.guards : undefined).toBe('orders_daily')
  })

  it('is deterministic: two compiles give byte-identical JSON', async () => {
    const first = JSON.stringify(graphToJson(await compileFixture('shop')))
    const second = JSON.stringify(graphToJson(await compileFixture('shop')))
    expect(second).toBe(first)
  })

  it('renders BigQuery SQL with backticks and @params', async () => {
    const graph = await compileFixture('shop', 'bigquery')
    const sql = graph.actions.find((a) => a.name === 'orders_daily')?.sql.query ?? ''
    expect(sql).toContain('`raw.raw_orders`')
    expect(sql).toContain('@interval_start')
  })

  it('collects every problem with file, action and a fix, not only the first', async () => {
    const graph = await compileFixture('broken-project')
    const messages = graph.issues.map((i) => `${i.code} ${i.file} ${i.action ?? ''}: ${i.message}`)
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^unknown-ref definitions\/refs\.ts orders_summary: unknown dependency "order_itemz"; did you mean "order_items"\?/,
        ),
        expect.stringMatching(
          /^graph-cycle definitions\/cycle\.ts cycle_a: dependency cycle: cycle_a → cycle_b → cycle_c → cycle_a/,
        ),
        expect.stringMatching(
          /^duplicate-name definitions\/refs\.ts order_items: duplicate action name, also defined in definitions\/dupes\.ts/,
        ),
        expect.stringMatching(
          /^invalid-config definitions\/bad-config\.ts bad_key: unknown table config key "uniqueKeys"/,
        ),
        expect.stringMatching(
          /^invalid-config definitions\/bad-config\.ts BadName: invalid table config at "name": use snake_case/,
        ),
      ]),
    )
    expect(graph.issues.length).toBe(5)
  })
})

describe('column contracts', () => {
  it('reports an unknown column type with file, action and a did-you-mean', async () => {
    const graph = await compileFixture('bad-column-type')
    const issues = graph.issues.map((i) => `${i.code} ${i.file} ${i.action}: ${i.message}`)
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^unknown-column-type definitions\/events\.ts events_daily: column "events": unknown column type "INTT64"; did you mean "INT64"\?/,
        ),
        expect.stringMatching(
          /^unknown-column-type definitions\/events\.ts events_daily: column "tags": unknown column type "STRNG" in "ARRAY<STRNG>"; did you mean "STRING"\?/,
        ),
        expect.stringMatching(
          /^invalid-column-type definitions\/events\.ts raw_events: column "amount": invalid column type "NUMERIC\(abc\)": "abc" is not a number/,
        ),
      ]),
    )
    // `numeric(18, 2)` is valid (case-insensitive, with parameters): three problems, not four.
    expect(issues).toHaveLength(3)
  })

  it('reports the same problems when compiling for BigQuery', async () => {
    const graph = await compileFixture('bad-column-type', 'bigquery')
    expect(graph.issues.map((i) => `${i.action} ${i.code}`)).toEqual([
      'events_daily unknown-column-type',
      'events_daily unknown-column-type',
      'raw_events invalid-column-type',
    ])
  })

  it('accepts every contract of the shop fixture', async () => {
    expect((await compileFixture('shop')).issues).toEqual([])
  })
})

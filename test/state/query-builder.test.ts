import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createBigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import { bigQueryStringLiteral } from '../../src/engines/bigquery/bigquery-query-compiler.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import { createQueryBuilder, TypedValues } from '../../src/state/query-builder.js'
import type { StateDatabase } from '../../src/state/state-schema.js'
import { parseBigQuery } from '../support/bigquery-parse.js'

const AWKWARD = 'it\'s "q" \\ back\nslash\r\ttab \u0001 ✓ 日本 `tick`'

describe('the Kysely query compilers', () => {
  it('name DuckDB parameters $p1, $p2 … and hand their values over by name', () => {
    const { db, statement } = createQueryBuilder<StateDatabase>(duckDbDialect)
    const query = db
      .withSchema('pipeline_state')
      .selectFrom('intervals')
      .select('interval_start')
      .where('action', '=', 'a')
      .where('run_id', 'in', ['r1', 'r2'])
    expect(statement(query, 'intervals')).toEqual({
      sql: 'select "interval_start" from "pipeline_state"."intervals" where "action" = $p1 and "run_id" in ($p2, $p3)',
      params: { p1: 'a', p2: 'r1', p3: 'r2' },
      label: 'intervals',
    })
  })

  it('name BigQuery parameters @p1 … and quote a table as one project.dataset.table path', () => {
    const { db, statement } = createQueryBuilder<StateDatabase>(createBigQueryDialect({ project: 'my-project' }), {
      parameterPrefix: 'x',
    })
    const query = db
      .withSchema('st')
      .updateTable('runs')
      .set({ status: 'done', reason: null })
      .where('run_id', '=', 'r')
    expect(statement(query)).toEqual({
      sql: 'update `my-project.st.runs` set `status` = @x1, `reason` = null where `run_id` = @x2',
      params: { x1: 'done', x2: 'r' },
    })
  })

  it('write NULL as a literal on both engines, so no untyped NULL parameter reaches BigQuery', () => {
    for (const dialect of [duckDbDialect, createBigQueryDialect()]) {
      const { db, statement } = createQueryBuilder<StateDatabase>(dialect)
      const compiled = statement(
        db
          .insertInto('locks')
          .values({ name: 'n', owner: null as unknown as string, acquired_at: 't', expires_at: 't' }),
      )
      expect(Object.values(compiled.params ?? {})).not.toContain(null)
      expect(compiled.sql).toMatch(/values \([$@]p1, null, [$@]p2, [$@]p3\)/)
    }
  })

  it('refuse a value no adapter can bind', () => {
    const { db, statement } = createQueryBuilder<StateDatabase>(duckDbDialect)
    const query = db
      .selectFrom('runs')
      .select('run_id')
      .where('started_at', '=', new Date(0) as unknown as string)
    expect(() => statement(query)).toThrow(/cannot bind .* \(object\) as a parameter/)
  })

  it('refuse a BigQuery identifier holding a backtick', () => {
    const { db, statement } = createQueryBuilder<Record<string, Record<string, string>>>(createBigQueryDialect())
    expect(() => statement(db.selectFrom('bad`name').selectAll())).toThrow(/contains a backtick/)
  })

  it('escape literals so DuckDB reads back exactly the text', async () => {
    const adapter = await DuckDbAdapter.open({ path: ':memory:' })
    try {
      const { db, statement } = createQueryBuilder<Record<string, never>>(duckDbDialect)
      const values = new TypedValues(duckDbDialect, 'literal')
      const query = db.selectNoFrom([values.plain(AWKWARD).as('text'), values.date('2026-01-09').as('day')])
      const compiled = statement(query)
      expect(compiled.params).toEqual({})
      expect(await adapter.query(compiled.sql)).toEqual([{ text: AWKWARD, day: '2026-01-09' }])
    } finally {
      await adapter.close()
    }
  })

  it('escape BigQuery string literals so the parser reads one string without raw control characters', () => {
    const literal = bigQueryStringLiteral(AWKWARD)
    expect(literal).toBe("'it\\'s \"q\" \\\\ back\\nslash\\r\\ttab \\x01 ✓ 日本 `tick`'")
    parseBigQuery(`SELECT ${literal} AS text`)
    const { db, statement } = createQueryBuilder<Record<string, never>>(createBigQueryDialect())
    const values = new TypedValues(createBigQueryDialect(), 'literal')
    const compiled = statement(db.selectNoFrom([values.plain(AWKWARD).as('t'), sql.lit(Number.NaN).as('n')]))
    expect(compiled.sql).toBe(`select ${literal} as \`t\`, CAST('nan' AS FLOAT64) as \`n\``)
    parseBigQuery(compiled.sql)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checks } from '../../src/assertions/checks.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { memoryAdapter } from '../support/fixtures.js'
import { createDaily, evaluate, failed } from './support.js'

let adapter: DuckDbAdapter

beforeEach(async () => {
  adapter = await memoryAdapter()
  await createDaily(adapter)
})
afterEach(async () => {
  await adapter.close()
})

const DAY2 = "day = DATE '2026-01-02'"

describe('built-in checks on good data', () => {
  it('pass every partition', async () => {
    const all = [
      checks.uniqueKey({ columns: ['day', 'id'] }),
      checks.nonNull({ columns: ['category', 'value'] }),
      checks.acceptedValues({ column: 'category', values: ['a', 'b', 'c'] }),
      checks.range({ column: 'value', min: 0, max: 100 }),
      checks.zeroShare({ column: 'score', max: 0.5, includeNull: true }),
      checks.nullShare({ column: 'value', max: 0.2 }),
      checks.notConstant({ column: 'score', minStddev: 0.5, minDistinct: 3 }),
      checks.rowCount({ min: 10 }),
      checks.rowCount({ relativeTo: 'expected', minRatio: 1, name: 'row_count_vs_expected' }),
      checks.distinctCount({ column: 'category', min: 3, max: 3 }),
      checks.freshness({ maxAgeDays: 1 }),
      checks.expression({ name: 'closed_has_no_value', condition: 'NOT is_closed OR value = 0' }),
      ...checks.sourcesPresent({
        families: { label: 'label_source', list: { column: 'sources', index: 1, found: ['ok'] } },
        min: 0.8,
      }),
    ]
    const results = await evaluate(adapter, all, { params: { reference_date: '2026-01-04' } })
    expect(failed(results)).toEqual([])
    expect(results.filter((r) => r.partition === '2026-01-02').length).toBe(all.length - 1) // freshness is one whole-table row
    expect(results.every((r) => !r.skipped)).toBe(true)
  })
})

describe('built-in checks on bad data', () => {
  it('uniqueKey reports the partition with the repeated key and samples the duplicates', async () => {
    await adapter.execute(`INSERT INTO t.daily SELECT * FROM t.daily WHERE ${DAY2} AND id = 4`)
    const [bad, ...rest] = failed(await evaluate(adapter, checks.uniqueKey({ columns: ['day', 'id'] })))
    expect(rest).toEqual([])
    expect(bad).toMatchObject({
      partition: '2026-01-02',
      observed: 1,
      rowCount: 11,
      threshold: 'no duplicate keys',
      severity: 'error',
    })
    expect(bad?.message).toBe(
      'daily.unique_key failed on 2026-01-02: 1 of 11 rows repeat a key (day, id) (no duplicate keys)',
    )
    expect(bad?.sample).toEqual([{ day: '2026-01-02', id: 4, duplicate_rows: 2 }])
  })

  it('nonNull counts rows with a NULL in any column', async () => {
    await adapter.execute(`UPDATE t.daily SET category = NULL WHERE ${DAY2} AND id IN (1, 2)`)
    const [bad] = failed(await evaluate(adapter, checks.nonNull({ columns: ['category'] })))
    expect(bad).toMatchObject({
      assertion: 'daily.category_non_null',
      partition: '2026-01-02',
      observed: 2,
      threshold: 'no NULL',
    })
    expect(bad?.sample).toHaveLength(2)
  })

  it('acceptedValues counts values outside the list; NULL passes unless allowNull is false', async () => {
    await adapter.execute(
      `UPDATE t.daily SET category = 'z' WHERE ${DAY2} AND id <= 3; UPDATE t.daily SET category = NULL WHERE day = DATE '2026-01-03' AND id = 1`,
    )
    const results = failed(
      await evaluate(adapter, checks.acceptedValues({ column: 'category', values: ['a', 'b', 'c'] })),
    )
    expect(results).toHaveLength(1)
    expect(results[0]).toMatchObject({ partition: '2026-01-02', observed: 3, threshold: "values in ('a', 'b', 'c')" })
    expect(results[0]?.message).toContain("3 of 10 rows have category outside ('a', 'b', 'c')")
    const strict = failed(
      await evaluate(adapter, checks.acceptedValues({ column: 'category', values: ['a', 'b', 'c'], allowNull: false })),
    )
    expect(strict.map((r) => [r.partition, r.observed])).toEqual([
      ['2026-01-02', 3],
      ['2026-01-03', 1],
    ])
  })

  it('range counts rows outside [min, max] and shows the observed extremes', async () => {
    await adapter.execute(`UPDATE t.daily SET value = -5 WHERE ${DAY2} AND id = 7`)
    const [bad] = failed(await evaluate(adapter, checks.range({ column: 'value', min: 0, max: 100 })))
    expect(bad).toMatchObject({
      assertion: 'daily.value_range',
      partition: '2026-01-02',
      observed: 1,
      threshold: 'within [0, 100]',
    })
    expect(bad?.message).toBe(
      'daily.value_range failed on 2026-01-02: 1 of 10 rows have value outside [0, 100] (observed -5..52) (within [0, 100])',
    )
  })

  it('zeroShare judges the share of 0 (and optionally NULL) rows against max', async () => {
    await adapter.execute(
      `UPDATE t.daily SET score = 0 WHERE ${DAY2} AND id <= 3; UPDATE t.daily SET score = NULL WHERE ${DAY2} AND id BETWEEN 4 AND 6`,
    )
    expect(failed(await evaluate(adapter, checks.zeroShare({ column: 'score', max: 0.5 })))).toEqual([])
    const [bad] = failed(await evaluate(adapter, checks.zeroShare({ column: 'score', max: 0.5, includeNull: true })))
    expect(bad).toMatchObject({
      assertion: 'daily.score_zero_share',
      partition: '2026-01-02',
      observed: 0.6,
      rowCount: 10,
      threshold: 'max 0.50',
    })
    expect(bad?.message).toBe('daily.score_zero_share failed on 2026-01-02: 0.60 of 10 rows are 0 or NULL (max 0.50)')
    expect(bad?.sample).toHaveLength(6)
  })

  it('nullShare judges the share of NULL rows against max', async () => {
    await adapter.execute(`UPDATE t.daily SET value = NULL WHERE ${DAY2} AND id <= 3`)
    const [bad] = failed(await evaluate(adapter, checks.nullShare({ column: 'value', max: 0.2 })))
    expect(bad).toMatchObject({ partition: '2026-01-02', observed: 0.3, threshold: 'max 0.20' })
    expect(bad?.message).toContain('0.30 of 10 rows have NULL value')
  })

  it('notConstant fails an all-identical partition as an error even when the check is warn', async () => {
    await adapter.execute(`UPDATE t.daily SET score = 1.5 WHERE ${DAY2}`)
    const [bad] = failed(await evaluate(adapter, checks.notConstant({ column: 'score', severity: 'warn' })))
    expect(bad).toMatchObject({
      partition: '2026-01-02',
      observed: 0,
      severity: 'error',
      threshold: 'min stddev 0.0001, min distinct 2',
    })
    expect(bad?.message).toBe(
      'daily.score_not_constant failed on 2026-01-02: stddev 0 and 1 distinct value of score over 10 rows (constant: always an error) (min stddev 0.0001, min distinct 2)',
    )
    expect(bad?.sample).toEqual([{ day: '2026-01-02', score: 1.5, value_rows: 10 }])
  })

  it('notConstant keeps the check severity when values vary but below the floors', async () => {
    await adapter.execute(`UPDATE t.daily SET score = CASE WHEN id % 2 = 0 THEN 1.0 ELSE 1.1 END WHERE ${DAY2}`)
    const [bad] = failed(
      await evaluate(
        adapter,
        checks.notConstant({ column: 'score', minStddev: 0.5, minDistinct: 3, severity: 'warn' }),
      ),
    )
    expect(bad).toMatchObject({ partition: '2026-01-02', severity: 'warn' })
    expect(bad?.observed).toBeCloseTo(0.0527, 3)
    expect(bad?.message).toContain('stddev 0.0527 and 2 distinct values of score')
  })

  it('rowCount with a minimum fails the thin partition', async () => {
    await adapter.execute(`DELETE FROM t.daily WHERE ${DAY2} AND id > 5`)
    const [bad] = failed(await evaluate(adapter, checks.rowCount({ min: 8 })))
    expect(bad).toMatchObject({
      assertion: 'daily.row_count',
      partition: '2026-01-02',
      observed: 5,
      rowCount: 5,
      threshold: 'min 8 rows',
    })
  })

  it('rowCount relative to an upstream fails a partition the upstream has and this relation lacks', async () => {
    await adapter.execute(
      `INSERT INTO t.expected SELECT DATE '2026-01-04', i FROM range(1, 11) r(i); DELETE FROM t.daily WHERE ${DAY2} AND id > 8`,
    )
    const check = checks.rowCount({ relativeTo: 'expected', minRatio: 0.9 })
    expect(check.dependsOn).toEqual(['expected'])
    const bad = failed(await evaluate(adapter, check))
    expect(bad.map((r) => [r.partition, r.observed, r.rowCount])).toEqual([
      ['2026-01-02', 0.8, 8],
      ['2026-01-04', 0, 0],
    ])
    expect(bad[1]?.message).toBe(
      "daily.row_count failed on 2026-01-04: 0 rows, 0.00 of expected's 10 rows (min 0.90 of expected)",
    )
  })

  it('rowCount with allowEmpty false fails when no row is in scope at all', async () => {
    await adapter.execute('DELETE FROM t.daily')
    expect(failed(await evaluate(adapter, checks.rowCount({ min: 1 })))).toEqual([])
    const [bad] = failed(await evaluate(adapter, checks.rowCount({ min: 1, allowEmpty: false })))
    expect(bad).toMatchObject({ partition: null, observed: 0, rowCount: 0 })
    expect(bad?.message).toBe('daily.row_count failed: no rows at all (min 1 row)')
  })

  it('distinctCount fails a partition with too few distinct values', async () => {
    await adapter.execute(`UPDATE t.daily SET category = 'a' WHERE ${DAY2}`)
    const [bad] = failed(await evaluate(adapter, checks.distinctCount({ column: 'category', min: 2 })))
    expect(bad).toMatchObject({
      assertion: 'daily.category_distinct_count',
      partition: '2026-01-02',
      observed: 1,
      threshold: 'at least 2 distinct',
    })
  })

  it('freshness compares the latest date with the reference date', async () => {
    const check = checks.freshness({ maxAgeDays: 1 })
    expect(failed(await evaluate(adapter, check, { params: { reference_date: '2026-01-04' } }))).toEqual([])
    const [stale] = failed(await evaluate(adapter, check, { params: { reference_date: '2026-01-06' } }))
    expect(stale).toMatchObject({ partition: null, observed: 3, threshold: 'max 1 day old' })
    expect(stale?.message).toBe('daily.freshness failed: latest day is 3 days old (max 1 day old)')
    const [fromRun] = failed(await evaluate(adapter, check, { params: { run_started_at: '2026-01-09T05:00:00.000Z' } }))
    expect(fromRun?.observed).toBe(6)
  })

  it('freshness without a date column fails and says how to fix it', async () => {
    const [bad] = failed(await evaluate(adapter, checks.freshness({ maxAgeDays: 1 }), { partitionColumn: null }))
    expect(bad?.message).toContain("no date column to judge: set the freshness check's column")
  })

  it('expression counts rows where the condition does not hold, NULL included', async () => {
    await adapter.execute(
      `UPDATE t.daily SET is_closed = TRUE WHERE ${DAY2} AND id = 2; UPDATE t.daily SET is_closed = NULL WHERE ${DAY2} AND id = 3`,
    )
    const [bad] = failed(
      await evaluate(
        adapter,
        checks.expression({ name: 'closed_has_no_value', condition: 'NOT is_closed OR value = 0' }),
      ),
    )
    expect(bad).toMatchObject({
      assertion: 'daily.closed_has_no_value',
      partition: '2026-01-02',
      observed: 2,
      threshold: 'holds on every row',
    })
    expect(bad?.sample.map((r) => r.id)).toEqual([2, 3])
  })

  it('sourcesPresent fails each family whose source says missing too often', async () => {
    await adapter.execute(`UPDATE t.daily SET label_source = 'none' WHERE ${DAY2} AND id <= 3;
      UPDATE t.daily SET sources = ['counter', 'missing'] WHERE day = DATE '2026-01-03'`)
    const family = checks.sourcesPresent({
      families: { label: 'label_source', list: { column: 'sources', index: 1, found: ['ok'] } },
      min: 0.8,
    })
    expect(family.map((c) => c.name)).toEqual(['label_source_present', 'list_source_present'])
    const bad = failed(await evaluate(adapter, family))
    expect(bad.map((r) => [r.assertion, r.partition, r.observed, r.threshold])).toEqual([
      ['daily.label_source_present', '2026-01-02', 0.7, 'min 0.80'],
      ['daily.list_source_present', '2026-01-03', 0, 'min 0.80'],
    ])
    expect(bad[0]?.message).toBe(
      'daily.label_source_present failed on 2026-01-02: 0.70 of 10 rows have a label source (min 0.80)',
    )
  })
})

describe('evaluation per partition', () => {
  it('catches one bad day among good ones that a whole-table ratio would pass', async () => {
    await adapter.execute(`UPDATE t.daily SET score = 0 WHERE ${DAY2}`)
    const check = checks.zeroShare({ column: 'score', max: 0.5 })
    const perDay = await evaluate(adapter, check)
    expect(perDay.map((r) => [r.partition, r.passed])).toEqual([
      ['2026-01-01', true],
      ['2026-01-02', false],
      ['2026-01-03', true],
    ])
    const [whole] = await evaluate(adapter, check, { partitionColumn: null })
    expect(whole).toMatchObject({ partition: null, passed: true })
    expect(whole?.observed).toBeCloseTo(1 / 3)
  })

  it('skips partitions below minRows and says so', async () => {
    await adapter.execute(`DELETE FROM t.daily WHERE ${DAY2} AND id > 4`)
    const results = await evaluate(adapter, checks.zeroShare({ column: 'score', max: 0, minRows: 5 }))
    const skipped = results.find((r) => r.partition === '2026-01-02')
    expect(skipped).toMatchObject({ skipped: true, passed: true, rowCount: 4 })
    expect(skipped?.message).toBe('daily.score_zero_share skipped on 2026-01-02: only 4 rows, fewer than 5; not judged')
  })

  it('judges only the rows a where condition selects', async () => {
    await adapter.execute(`UPDATE t.daily SET value = NULL WHERE ${DAY2} AND category = 'a'`)
    expect(
      failed(await evaluate(adapter, checks.nullShare({ column: 'value', max: 0.2, where: "category <> 'a'" }))),
    ).toEqual([])
    const [bad] = failed(
      await evaluate(adapter, checks.nullShare({ column: 'value', max: 0.2, where: "category = 'a'" })),
    )
    expect(bad).toMatchObject({ partition: '2026-01-02', observed: 1, rowCount: 3 })
  })

  it('restricts every relation to the interval when its parameters are bound', async () => {
    await adapter.execute(
      `UPDATE t.daily SET score = 0 WHERE ${DAY2}; INSERT INTO t.expected SELECT DATE '2026-01-04', i FROM range(1, 11) r(i)`,
    )
    const results = await evaluate(
      adapter,
      [checks.zeroShare({ column: 'score', max: 0.5 }), checks.rowCount({ relativeTo: 'expected' })],
      {
        params: { interval_start: '2026-01-03', interval_end: '2026-01-04' },
      },
    )
    expect(results.map((r) => [r.assertion, r.partition, r.passed])).toEqual([
      ['daily.score_zero_share', '2026-01-03', true],
      ['daily.row_count', '2026-01-03', true],
    ])
  })
})

import type { CheckDefinition } from '../../src/assertions/types.js'
import type { Adapter, ParamValue } from '../../src/engines/adapter.js'
import { evaluateChecks } from '../../src/runner/evaluate-checks.js'
import type { CheckResult } from '../../src/runner/result.js'

/**
 * `t.daily`: 3 days (2026-01-01..03) × 10 rows, every built-in passes on it.
 * Columns: day, id, category (a/b/c), value (0..100), score (varies), is_closed, label_source, sources.
 */
export async function createDaily(adapter: Adapter): Promise<void> {
  await adapter.execute(`CREATE SCHEMA IF NOT EXISTS t;
    CREATE OR REPLACE TABLE t.daily AS
    SELECT CAST(d AS DATE) AS day, i AS id,
      CASE i % 3 WHEN 0 THEN 'a' WHEN 1 THEN 'b' ELSE 'c' END AS category,
      CAST(i * 5 + day(d) AS DOUBLE) AS value,
      CAST((i * 7 + day(d)) % 4 + 0.5 AS DOUBLE) AS score,
      FALSE AS is_closed,
      'station' AS label_source,
      ['counter', 'ok'] AS sources
    FROM generate_series(DATE '2026-01-01', DATE '2026-01-03', INTERVAL 1 DAY) AS g(d), range(1, 11) AS r(i);
    CREATE OR REPLACE TABLE t.expected AS SELECT day, id FROM t.daily`)
}

/** Evaluate checks on t.daily per `day` (or whole with partitionColumn null). */
export function evaluate(
  adapter: Adapter,
  check: CheckDefinition | readonly CheckDefinition[],
  options: {
    partitionColumn?: string | null
    params?: Record<string, ParamValue>
    relation?: string
  } = {},
): Promise<CheckResult[]> {
  const list = Array.isArray(check) ? check : [check as CheckDefinition]
  return evaluateChecks(
    list.map((c) => ({ name: `daily.${c.name}`, action: 'daily', definition: c })),
    {
      adapter,
      relation: options.relation ?? '"t"."daily"',
      partitionColumn: options.partitionColumn === undefined ? 'day' : options.partitionColumn,
      resolveRelation: (name) => `"t"."${name}"`,
      params: options.params ?? {},
    },
  )
}

export function failed(results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => !r.passed)
}

/**
 * The checks fixture's sources: raw.raw_visits (10 stores × 2026-01-01..05, every check passes) and
 * raw.store_roster (the stores expected each day).
 */
export async function seedStores(adapter: Adapter): Promise<void> {
  await adapter.execute(`CREATE SCHEMA IF NOT EXISTS raw;
    CREATE OR REPLACE TABLE raw.raw_visits AS
    SELECT CAST(d AS DATE) AS visit_date, 's' || lpad(CAST(s AS VARCHAR), 2, '0') AS store_id,
      CASE WHEN s % 2 = 0 THEN 'north' ELSE 'south' END AS region,
      'open' AS status,
      CAST(20 + s * 3 + day(d) AS INTEGER) AS visitors,
      CAST(100.0 + s * 10 + day(d) AS DOUBLE) AS spend,
      CAST((s * 7 + day(d)) % 5 + 0.5 AS DOUBLE) AS promo_score,
      'station' AS weather_source,
      ['counter', 'station'] AS feature_sources
    FROM generate_series(DATE '2026-01-01', DATE '2026-01-05', INTERVAL 1 DAY) AS g(d), range(1, 11) AS r(s);
    CREATE OR REPLACE TABLE raw.store_roster AS SELECT visit_date, store_id FROM raw.raw_visits`)
}

CREATE SCHEMA IF NOT EXISTS "shop";

CREATE OR REPLACE TABLE "shop"."customers__staging" AS
select customer_id, upper(country) as country from "raw"."raw_customers";

-- customers.unique_key
SELECT 0 AS check_index, CAST(s.partition_value AS VARCHAR) AS partition_value, CAST(s.observed AS DOUBLE) AS observed, CAST(s.row_count AS BIGINT) AS row_count, CAST(s.passed AS BOOLEAN) AS passed, CAST(s.skipped AS BOOLEAN) AS skipped
FROM (
  SELECT partition_value, observed, row_count,
    row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
    row_count < 1 AS skipped
  FROM (
    SELECT CAST(NULL AS VARCHAR) AS partition_value,
      CAST(COALESCE(SUM(key_rows) - COUNT(*), 0) AS DOUBLE) AS observed,
      COALESCE(SUM(key_rows), 0) AS row_count
    FROM (
      SELECT COUNT(*) AS key_rows
      FROM "shop"."customers__staging"
      GROUP BY "customer_id"
    ) AS keyed
  ) AS summary
) AS s
UNION ALL
-- customers.customer_id_non_null
SELECT 1 AS check_index, CAST(s.partition_value AS VARCHAR) AS partition_value, CAST(s.observed AS DOUBLE) AS observed, CAST(s.row_count AS BIGINT) AS row_count, CAST(s.passed AS BOOLEAN) AS passed, CAST(s.skipped AS BOOLEAN) AS skipped
FROM (
  SELECT partition_value, observed, row_count,
    row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
    row_count < 1 AS skipped
  FROM (
    SELECT CAST(NULL AS VARCHAR) AS partition_value,
      CAST(COUNT(CASE WHEN "customer_id" IS NULL THEN 1 END) AS DOUBLE) AS observed,
      COUNT(*) AS row_count
    FROM "shop"."customers__staging"
  ) AS summary
) AS s;

SELECT COUNT(*) AS n FROM "shop"."customers__staging";

DROP TABLE IF EXISTS "shop"."customers";

ALTER TABLE "shop"."customers__staging" RENAME TO "customers";

CREATE SCHEMA IF NOT EXISTS `shop`;

CREATE OR REPLACE TABLE `shop.customers__staging_run_golden`
OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 48 HOUR))
AS
select customer_id, upper(country) as country from `raw.raw_customers`;

-- customers.unique_key
SELECT 0 AS check_index, CAST(s.partition_value AS STRING) AS partition_value, CAST(s.observed AS FLOAT64) AS observed, CAST(s.row_count AS INT64) AS row_count, CAST(s.passed AS BOOL) AS passed, CAST(s.skipped AS BOOL) AS skipped
FROM (
  SELECT partition_value, observed, row_count,
    row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
    row_count < 1 AS skipped
  FROM (
    SELECT CAST(NULL AS STRING) AS partition_value,
      CAST(COALESCE(SUM(key_rows) - COUNT(*), 0) AS FLOAT64) AS observed,
      COALESCE(SUM(key_rows), 0) AS row_count
    FROM (
      SELECT COUNT(*) AS key_rows
      FROM `shop.customers__staging_run_golden`
      GROUP BY `customer_id`
    ) AS keyed
  ) AS summary
) AS s
UNION ALL
-- customers.customer_id_non_null
SELECT 1 AS check_index, CAST(s.partition_value AS STRING) AS partition_value, CAST(s.observed AS FLOAT64) AS observed, CAST(s.row_count AS INT64) AS row_count, CAST(s.passed AS BOOL) AS passed, CAST(s.skipped AS BOOL) AS skipped
FROM (
  SELECT partition_value, observed, row_count,
    row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
    row_count < 1 AS skipped
  FROM (
    SELECT CAST(NULL AS STRING) AS partition_value,
      CAST(COUNTIF(`customer_id` IS NULL) AS FLOAT64) AS observed,
      COUNT(*) AS row_count
    FROM `shop.customers__staging_run_golden`
  ) AS summary
) AS s;

SELECT COUNT(*) AS n FROM `shop.customers__staging_run_golden`;

DROP TABLE IF EXISTS `shop.customers__staging_run_golden`;

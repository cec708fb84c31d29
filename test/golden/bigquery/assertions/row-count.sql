-- row_count: summary
SELECT partition_value, observed, row_count,
  FALSE OR COALESCE(observed >= 100, FALSE) AS passed,
  FALSE AS skipped
FROM (
  SELECT CAST(`game_date` AS STRING) AS partition_value,
    CAST(COUNT(*) AS FLOAT64) AS observed,
    COUNT(*) AS row_count
  FROM `analytics.daily_features`
  GROUP BY 1
) AS summary
UNION ALL
SELECT CAST(NULL AS STRING) AS partition_value, CAST(0 AS FLOAT64) AS observed, 0 AS row_count, FALSE AS passed, FALSE AS skipped
FROM (
  SELECT COUNT(*) AS total_rows
  FROM `analytics.daily_features`
) AS total
WHERE total.total_rows = 0;

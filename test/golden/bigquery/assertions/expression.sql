-- dnp_has_no_points: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST(`game_date` AS STRING) AS partition_value,
    CAST(COUNTIF(NOT COALESCE((NOT is_dnp OR points IS NULL), FALSE)) AS FLOAT64) AS observed,
    COUNT(*) AS row_count
  FROM `analytics.daily_features`
  GROUP BY 1
) AS summary;

-- dnp_has_no_points: offending rows
SELECT *
FROM `analytics.daily_features`
WHERE (NOT COALESCE((NOT is_dnp OR points IS NULL), FALSE))
  AND CAST(`game_date` AS STRING) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST(`game_date` AS STRING) AS partition_value,
        CAST(COUNTIF(NOT COALESCE((NOT is_dnp OR points IS NULL), FALSE)) AS FLOAT64) AS observed,
        COUNT(*) AS row_count
      FROM `analytics.daily_features`
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

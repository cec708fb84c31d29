-- vegas_points_line_null_share: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed <= 0.5, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST(`game_date` AS STRING) AS partition_value,
    CAST(SAFE_DIVIDE(COUNTIF(`vegas_points_line` IS NULL), COUNT(*)) AS FLOAT64) AS observed,
    COUNT(*) AS row_count
  FROM `analytics.daily_features`
  WHERE (has_prop)
  GROUP BY 1
) AS summary;

-- vegas_points_line_null_share: offending rows
SELECT *
FROM `analytics.daily_features`
WHERE (has_prop)
  AND (`vegas_points_line` IS NULL)
  AND CAST(`game_date` AS STRING) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed <= 0.5, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST(`game_date` AS STRING) AS partition_value,
        CAST(SAFE_DIVIDE(COUNTIF(`vegas_points_line` IS NULL), COUNT(*)) AS FLOAT64) AS observed,
        COUNT(*) AS row_count
      FROM `analytics.daily_features`
      WHERE (has_prop)
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

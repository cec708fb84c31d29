-- feature_version_distinct_count: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed >= 1 AND observed <= 1, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST(`game_date` AS STRING) AS partition_value,
    CAST(COUNT(DISTINCT `feature_version`) AS FLOAT64) AS observed,
    COUNT(*) AS row_count
  FROM `analytics.daily_features`
  GROUP BY 1
) AS summary;

-- feature_version_distinct_count: offending rows
SELECT `game_date`, `feature_version`, COUNT(*) AS value_rows
FROM `analytics.daily_features`
WHERE CAST(`game_date` AS STRING) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed >= 1 AND observed <= 1, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST(`game_date` AS STRING) AS partition_value,
        CAST(COUNT(DISTINCT `feature_version`) AS FLOAT64) AS observed,
        COUNT(*) AS row_count
      FROM `analytics.daily_features`
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
)
GROUP BY `game_date`, `feature_version`;

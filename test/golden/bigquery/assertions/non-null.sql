-- non_null: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST(`game_date` AS STRING) AS partition_value,
    CAST(COUNTIF(`game_id` IS NULL OR `player_lookup` IS NULL) AS FLOAT64) AS observed,
    COUNT(*) AS row_count
  FROM `analytics.daily_features`
  GROUP BY 1
) AS summary;

-- non_null: offending rows
SELECT *
FROM `analytics.daily_features`
WHERE (`game_id` IS NULL OR `player_lookup` IS NULL)
  AND CAST(`game_date` AS STRING) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST(`game_date` AS STRING) AS partition_value,
        CAST(COUNTIF(`game_id` IS NULL OR `player_lookup` IS NULL) AS FLOAT64) AS observed,
        COUNT(*) AS row_count
      FROM `analytics.daily_features`
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

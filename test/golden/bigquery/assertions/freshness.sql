-- freshness: summary
SELECT partition_value, observed, row_count,
  FALSE OR COALESCE(observed <= 1, FALSE) AS passed,
  FALSE AS skipped
FROM (
  SELECT CAST(NULL AS STRING) AS partition_value,
    CAST(DATE_DIFF(CAST(@reference_date AS DATE), CAST(MAX(`game_date`) AS DATE), DAY) AS FLOAT64) AS observed,
    COUNT(*) AS row_count
  FROM `analytics.daily_features`
) AS summary;

-- freshness: summary
SELECT partition_value, observed, row_count,
  FALSE OR COALESCE(observed <= 0, FALSE) AS passed,
  FALSE AS skipped
FROM (
  SELECT CAST(NULL AS STRING) AS partition_value,
    CAST(DATE_DIFF(CAST(@reference_date AS DATE), CAST(MAX(`game_date`) AS DATE), DAY) AS FLOAT64) AS observed,
    COUNT(*) AS row_count
  FROM `analytics.daily_features`
  WHERE `game_date` >= CAST(@interval_start AS DATE) AND `game_date` < CAST(@interval_end AS DATE)
) AS summary;

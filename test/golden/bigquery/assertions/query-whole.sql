-- no_huge_predictions: summary
SELECT CAST(NULL AS STRING) AS partition_value, CAST(COUNT(*) AS FLOAT64) AS observed, COUNT(*) AS row_count,
  COUNT(*) = 0 AS passed, FALSE AS skipped
FROM (
SELECT player_lookup FROM analytics.daily_features WHERE points >= 55
) AS offending;

-- no_huge_predictions: offending rows
SELECT player_lookup FROM analytics.daily_features WHERE points >= 55;

-- row_count: summary
SELECT partition_value, observed, row_count, upstream_rows,
  FALSE OR COALESCE(observed >= 0.9, FALSE) AS passed,
  FALSE AS skipped
FROM (
  SELECT CAST(NULL AS STRING) AS partition_value,
    CAST(SAFE_DIVIDE(COALESCE(SUM(checked.checked_rows), 0), SUM(upstream.upstream_rows)) AS FLOAT64) AS observed,
    COALESCE(SUM(checked.checked_rows), 0) AS row_count,
    CAST(SUM(upstream.upstream_rows) AS FLOAT64) AS upstream_rows
  FROM (SELECT COUNT(*) AS upstream_rows FROM `analytics.upcoming_player_game_context`) AS upstream
  CROSS JOIN (SELECT COUNT(*) AS checked_rows FROM `analytics.daily_features`) AS checked
) AS summary;

-- row_count: summary
SELECT partition_value, observed, row_count, upstream_rows,
  FALSE OR COALESCE(observed >= 0.9, FALSE) AS passed,
  FALSE AS skipped
FROM (
  SELECT CAST(NULL AS VARCHAR) AS partition_value,
    CAST((COALESCE(SUM(checked.checked_rows), 0) / NULLIF(SUM(upstream.upstream_rows), 0)) AS DOUBLE) AS observed,
    COALESCE(SUM(checked.checked_rows), 0) AS row_count,
    CAST(SUM(upstream.upstream_rows) AS DOUBLE) AS upstream_rows
  FROM (SELECT COUNT(*) AS upstream_rows FROM "analytics"."upcoming_player_game_context") AS upstream
  CROSS JOIN (SELECT COUNT(*) AS checked_rows FROM "analytics"."daily_features") AS checked
) AS summary;

-- freshness: summary
SELECT partition_value, observed, row_count,
  FALSE OR COALESCE(observed <= 0, FALSE) AS passed,
  FALSE AS skipped
FROM (
  SELECT CAST(NULL AS VARCHAR) AS partition_value,
    CAST(date_diff('day', CAST(MAX("game_date") AS DATE), CAST($reference_date AS DATE)) AS DOUBLE) AS observed,
    COUNT(*) AS row_count
  FROM "analytics"."daily_features"
  WHERE "game_date" >= CAST($interval_start AS DATE) AND "game_date" < CAST($interval_end AS DATE)
) AS summary;

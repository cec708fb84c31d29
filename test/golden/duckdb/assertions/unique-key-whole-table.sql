-- unique_key: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST(NULL AS VARCHAR) AS partition_value,
    CAST(COALESCE(SUM(key_rows) - COUNT(*), 0) AS DOUBLE) AS observed,
    COALESCE(SUM(key_rows), 0) AS row_count
  FROM (
    SELECT COUNT(*) AS key_rows
    FROM "analytics"."daily_features"
    GROUP BY "player_lookup", "game_id"
  ) AS keyed
) AS summary;

-- unique_key: offending rows
SELECT "player_lookup", "game_id", COUNT(*) AS duplicate_rows
FROM "analytics"."daily_features"
GROUP BY "player_lookup", "game_id"
HAVING COUNT(*) > 1;

-- unique_key: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT keyed.partition_value AS partition_value,
    CAST(COALESCE(SUM(key_rows) - COUNT(*), 0) AS DOUBLE) AS observed,
    COALESCE(SUM(key_rows), 0) AS row_count
  FROM (
    SELECT CAST("game_date" AS VARCHAR) AS partition_value, COUNT(*) AS key_rows
    FROM "analytics"."daily_features"
    GROUP BY CAST("game_date" AS VARCHAR), "player_lookup", "game_date"
  ) AS keyed
  GROUP BY 1
) AS summary;

-- unique_key: offending rows
SELECT "player_lookup", "game_date", COUNT(*) AS duplicate_rows
FROM "analytics"."daily_features"
WHERE CAST("game_date" AS VARCHAR) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT keyed.partition_value AS partition_value,
        CAST(COALESCE(SUM(key_rows) - COUNT(*), 0) AS DOUBLE) AS observed,
        COALESCE(SUM(key_rows), 0) AS row_count
      FROM (
        SELECT CAST("game_date" AS VARCHAR) AS partition_value, COUNT(*) AS key_rows
        FROM "analytics"."daily_features"
        GROUP BY CAST("game_date" AS VARCHAR), "player_lookup", "game_date"
      ) AS keyed
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
)
GROUP BY "player_lookup", "game_date"
HAVING COUNT(*) > 1;

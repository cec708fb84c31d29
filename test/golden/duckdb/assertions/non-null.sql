-- non_null: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST("game_date" AS VARCHAR) AS partition_value,
    CAST(COUNT(CASE WHEN "game_id" IS NULL OR "player_lookup" IS NULL THEN 1 END) AS DOUBLE) AS observed,
    COUNT(*) AS row_count
  FROM "analytics"."daily_features"
  GROUP BY 1
) AS summary;

-- non_null: offending rows
SELECT *
FROM "analytics"."daily_features"
WHERE ("game_id" IS NULL OR "player_lookup" IS NULL)
  AND CAST("game_date" AS VARCHAR) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST("game_date" AS VARCHAR) AS partition_value,
        CAST(COUNT(CASE WHEN "game_id" IS NULL OR "player_lookup" IS NULL THEN 1 END) AS DOUBLE) AS observed,
        COUNT(*) AS row_count
      FROM "analytics"."daily_features"
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

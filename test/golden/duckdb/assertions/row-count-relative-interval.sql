-- row_count: summary
SELECT partition_value, observed, row_count, upstream_rows,
  upstream_rows < 20 OR COALESCE(observed >= 0.9, FALSE) AS passed,
  upstream_rows < 20 AS skipped
FROM (
  SELECT upstream.partition_value AS partition_value,
    CAST((COALESCE(SUM(checked.checked_rows), 0) / NULLIF(SUM(upstream.upstream_rows), 0)) AS DOUBLE) AS observed,
    COALESCE(SUM(checked.checked_rows), 0) AS row_count,
    CAST(SUM(upstream.upstream_rows) AS DOUBLE) AS upstream_rows
  FROM (
    SELECT CAST("game_date" AS VARCHAR) AS partition_value, COUNT(DISTINCT "player_lookup") AS upstream_rows
    FROM "analytics"."upcoming_player_game_context"
    WHERE "game_date" >= CAST($interval_start AS DATE) AND "game_date" < CAST($interval_end AS DATE)
    GROUP BY 1
  ) AS upstream
  LEFT JOIN (
    SELECT CAST("game_date" AS VARCHAR) AS partition_value, COUNT(*) AS checked_rows
    FROM "analytics"."daily_features"
    WHERE "game_date" >= CAST($interval_start AS DATE) AND "game_date" < CAST($interval_end AS DATE)
    GROUP BY 1
  ) AS checked ON checked.partition_value = upstream.partition_value
  GROUP BY 1
) AS summary;

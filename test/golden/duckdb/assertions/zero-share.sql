-- usage_spike_score_zero_share: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed <= 0.5, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST("game_date" AS VARCHAR) AS partition_value,
    CAST((COUNT(CASE WHEN "usage_spike_score" = 0 OR "usage_spike_score" IS NULL THEN 1 END) / NULLIF(COUNT(*), 0)) AS DOUBLE) AS observed,
    COUNT(*) AS row_count
  FROM "analytics"."daily_features"
  GROUP BY 1
) AS summary;

-- usage_spike_score_zero_share: offending rows
SELECT *
FROM "analytics"."daily_features"
WHERE ("usage_spike_score" = 0 OR "usage_spike_score" IS NULL)
  AND CAST("game_date" AS VARCHAR) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed <= 0.5, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST("game_date" AS VARCHAR) AS partition_value,
        CAST((COUNT(CASE WHEN "usage_spike_score" = 0 OR "usage_spike_score" IS NULL THEN 1 END) / NULLIF(COUNT(*), 0)) AS DOUBLE) AS observed,
        COUNT(*) AS row_count
      FROM "analytics"."daily_features"
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

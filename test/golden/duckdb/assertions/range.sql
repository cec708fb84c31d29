-- fatigue_score_range: summary
SELECT partition_value, observed, row_count, observed_min, observed_max,
  row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST("game_date" AS VARCHAR) AS partition_value,
    CAST(COUNT(CASE WHEN "fatigue_score" < 0 OR "fatigue_score" > 100 THEN 1 END) AS DOUBLE) AS observed,
    COUNT(*) AS row_count,
    CAST(MIN("fatigue_score") AS DOUBLE) AS observed_min,
    CAST(MAX("fatigue_score") AS DOUBLE) AS observed_max
  FROM "analytics"."daily_features"
  GROUP BY 1
) AS summary;

-- fatigue_score_range: offending rows
SELECT *
FROM "analytics"."daily_features"
WHERE ("fatigue_score" < 0 OR "fatigue_score" > 100)
  AND CAST("game_date" AS VARCHAR) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count, observed_min, observed_max,
      row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST("game_date" AS VARCHAR) AS partition_value,
        CAST(COUNT(CASE WHEN "fatigue_score" < 0 OR "fatigue_score" > 100 THEN 1 END) AS DOUBLE) AS observed,
        COUNT(*) AS row_count,
        CAST(MIN("fatigue_score") AS DOUBLE) AS observed_min,
        CAST(MAX("fatigue_score") AS DOUBLE) AS observed_max
      FROM "analytics"."daily_features"
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

-- vegas_source_present: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed >= 0.8, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST("game_date" AS VARCHAR) AS partition_value,
    CAST((COUNT(CASE WHEN ("vegas_line_source" IS NOT NULL AND "vegas_line_source" NOT IN ('missing', 'none', 'default', 'fallback')) THEN 1 END) / NULLIF(COUNT(*), 0)) AS DOUBLE) AS observed,
    COUNT(*) AS row_count
  FROM "analytics"."daily_features"
  GROUP BY 1
) AS summary;

-- vegas_source_present: offending rows
SELECT *
FROM "analytics"."daily_features"
WHERE (NOT COALESCE(("vegas_line_source" IS NOT NULL AND "vegas_line_source" NOT IN ('missing', 'none', 'default', 'fallback')), FALSE))
  AND CAST("game_date" AS VARCHAR) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed >= 0.8, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST("game_date" AS VARCHAR) AS partition_value,
        CAST((COUNT(CASE WHEN ("vegas_line_source" IS NOT NULL AND "vegas_line_source" NOT IN ('missing', 'none', 'default', 'fallback')) THEN 1 END) / NULLIF(COUNT(*), 0)) AS DOUBLE) AS observed,
        COUNT(*) AS row_count
      FROM "analytics"."daily_features"
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

-- minutes_ppm_source_present: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed >= 0.8, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST("game_date" AS VARCHAR) AS partition_value,
    CAST((COUNT(CASE WHEN (list_extract("feature_sources", 32) IS NOT NULL AND list_extract("feature_sources", 32) NOT IN ('missing', 'none', 'default', 'fallback')) AND (list_extract("feature_sources", 33) IS NOT NULL AND list_extract("feature_sources", 33) NOT IN ('missing', 'none', 'default', 'fallback')) THEN 1 END) / NULLIF(COUNT(*), 0)) AS DOUBLE) AS observed,
    COUNT(*) AS row_count
  FROM "analytics"."daily_features"
  GROUP BY 1
) AS summary;

-- minutes_ppm_source_present: offending rows
SELECT *
FROM "analytics"."daily_features"
WHERE (NOT COALESCE((list_extract("feature_sources", 32) IS NOT NULL AND list_extract("feature_sources", 32) NOT IN ('missing', 'none', 'default', 'fallback')) AND (list_extract("feature_sources", 33) IS NOT NULL AND list_extract("feature_sources", 33) NOT IN ('missing', 'none', 'default', 'fallback')), FALSE))
  AND CAST("game_date" AS VARCHAR) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed >= 0.8, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST("game_date" AS VARCHAR) AS partition_value,
        CAST((COUNT(CASE WHEN (list_extract("feature_sources", 32) IS NOT NULL AND list_extract("feature_sources", 32) NOT IN ('missing', 'none', 'default', 'fallback')) AND (list_extract("feature_sources", 33) IS NOT NULL AND list_extract("feature_sources", 33) NOT IN ('missing', 'none', 'default', 'fallback')) THEN 1 END) / NULLIF(COUNT(*), 0)) AS DOUBLE) AS observed,
        COUNT(*) AS row_count
      FROM "analytics"."daily_features"
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

-- vegas_source_present: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed >= 0.8, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST(`game_date` AS STRING) AS partition_value,
    CAST(SAFE_DIVIDE(COUNTIF((`vegas_line_source` IS NOT NULL AND `vegas_line_source` NOT IN ('missing', 'none', 'default', 'fallback'))), COUNT(*)) AS FLOAT64) AS observed,
    COUNT(*) AS row_count
  FROM `analytics.daily_features`
  GROUP BY 1
) AS summary;

-- vegas_source_present: offending rows
SELECT *
FROM `analytics.daily_features`
WHERE (NOT COALESCE((`vegas_line_source` IS NOT NULL AND `vegas_line_source` NOT IN ('missing', 'none', 'default', 'fallback')), FALSE))
  AND CAST(`game_date` AS STRING) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed >= 0.8, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST(`game_date` AS STRING) AS partition_value,
        CAST(SAFE_DIVIDE(COUNTIF((`vegas_line_source` IS NOT NULL AND `vegas_line_source` NOT IN ('missing', 'none', 'default', 'fallback'))), COUNT(*)) AS FLOAT64) AS observed,
        COUNT(*) AS row_count
      FROM `analytics.daily_features`
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

-- minutes_ppm_source_present: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed >= 0.8, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST(`game_date` AS STRING) AS partition_value,
    CAST(SAFE_DIVIDE(COUNTIF((`feature_sources`[SAFE_OFFSET(31)] IS NOT NULL AND `feature_sources`[SAFE_OFFSET(31)] NOT IN ('missing', 'none', 'default', 'fallback')) AND (`feature_sources`[SAFE_OFFSET(32)] IS NOT NULL AND `feature_sources`[SAFE_OFFSET(32)] NOT IN ('missing', 'none', 'default', 'fallback'))), COUNT(*)) AS FLOAT64) AS observed,
    COUNT(*) AS row_count
  FROM `analytics.daily_features`
  GROUP BY 1
) AS summary;

-- minutes_ppm_source_present: offending rows
SELECT *
FROM `analytics.daily_features`
WHERE (NOT COALESCE((`feature_sources`[SAFE_OFFSET(31)] IS NOT NULL AND `feature_sources`[SAFE_OFFSET(31)] NOT IN ('missing', 'none', 'default', 'fallback')) AND (`feature_sources`[SAFE_OFFSET(32)] IS NOT NULL AND `feature_sources`[SAFE_OFFSET(32)] NOT IN ('missing', 'none', 'default', 'fallback')), FALSE))
  AND CAST(`game_date` AS STRING) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed >= 0.8, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST(`game_date` AS STRING) AS partition_value,
        CAST(SAFE_DIVIDE(COUNTIF((`feature_sources`[SAFE_OFFSET(31)] IS NOT NULL AND `feature_sources`[SAFE_OFFSET(31)] NOT IN ('missing', 'none', 'default', 'fallback')) AND (`feature_sources`[SAFE_OFFSET(32)] IS NOT NULL AND `feature_sources`[SAFE_OFFSET(32)] NOT IN ('missing', 'none', 'default', 'fallback'))), COUNT(*)) AS FLOAT64) AS observed,
        COUNT(*) AS row_count
      FROM `analytics.daily_features`
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

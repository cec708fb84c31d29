-- vegas_line_source_accepted_values: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST(`game_date` AS STRING) AS partition_value,
    CAST(COUNTIF(`vegas_line_source` IS NULL OR `vegas_line_source` NOT IN ('odds_api', 'bettingpros', 'both', 'none')) AS FLOAT64) AS observed,
    COUNT(*) AS row_count
  FROM `analytics.daily_features`
  GROUP BY 1
) AS summary;

-- vegas_line_source_accepted_values: offending rows
SELECT *
FROM `analytics.daily_features`
WHERE (`vegas_line_source` IS NULL OR `vegas_line_source` NOT IN ('odds_api', 'bettingpros', 'both', 'none'))
  AND CAST(`game_date` AS STRING) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST(`game_date` AS STRING) AS partition_value,
        CAST(COUNTIF(`vegas_line_source` IS NULL OR `vegas_line_source` NOT IN ('odds_api', 'bettingpros', 'both', 'none')) AS FLOAT64) AS observed,
        COUNT(*) AS row_count
      FROM `analytics.daily_features`
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

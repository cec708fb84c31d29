-- team_win_pct_not_constant: summary
SELECT partition_value, observed, row_count, distinct_count,
  row_count < 50 OR COALESCE(observed >= 0.05 AND distinct_count >= 5, FALSE) AS passed,
  row_count < 50 AS skipped
FROM (
  SELECT CAST(`game_date` AS STRING) AS partition_value,
    CAST(COALESCE(STDDEV_SAMP(`team_win_pct`), 0) AS FLOAT64) AS observed,
    COUNT(*) AS row_count,
    CAST(COUNT(DISTINCT `team_win_pct`) AS FLOAT64) AS distinct_count
  FROM `analytics.daily_features`
  GROUP BY 1
) AS summary;

-- team_win_pct_not_constant: offending rows
SELECT `game_date`, `team_win_pct`, COUNT(*) AS value_rows
FROM `analytics.daily_features`
WHERE CAST(`game_date` AS STRING) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count, distinct_count,
      row_count < 50 OR COALESCE(observed >= 0.05 AND distinct_count >= 5, FALSE) AS passed,
      row_count < 50 AS skipped
    FROM (
      SELECT CAST(`game_date` AS STRING) AS partition_value,
        CAST(COALESCE(STDDEV_SAMP(`team_win_pct`), 0) AS FLOAT64) AS observed,
        COUNT(*) AS row_count,
        CAST(COUNT(DISTINCT `team_win_pct`) AS FLOAT64) AS distinct_count
      FROM `analytics.daily_features`
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
)
GROUP BY `game_date`, `team_win_pct`;

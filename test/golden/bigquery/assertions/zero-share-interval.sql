-- pace_score_zero_share: summary
SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed <= 0.5, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT CAST(`game_date` AS STRING) AS partition_value,
    CAST(SAFE_DIVIDE(COUNTIF(`pace_score` = 0), COUNT(*)) AS FLOAT64) AS observed,
    COUNT(*) AS row_count
  FROM `analytics.daily_features`
  WHERE `game_date` >= CAST(@interval_start AS DATE) AND `game_date` < CAST(@interval_end AS DATE)
  GROUP BY 1
) AS summary;

-- pace_score_zero_share: offending rows
SELECT *
FROM `analytics.daily_features`
WHERE `game_date` >= CAST(@interval_start AS DATE) AND `game_date` < CAST(@interval_end AS DATE)
  AND (`pace_score` = 0)
  AND CAST(`game_date` AS STRING) IN (
  SELECT failed.partition_value FROM (
    SELECT partition_value, observed, row_count,
      row_count < 1 OR COALESCE(observed <= 0.5, FALSE) AS passed,
      row_count < 1 AS skipped
    FROM (
      SELECT CAST(`game_date` AS STRING) AS partition_value,
        CAST(SAFE_DIVIDE(COUNTIF(`pace_score` = 0), COUNT(*)) AS FLOAT64) AS observed,
        COUNT(*) AS row_count
      FROM `analytics.daily_features`
      WHERE `game_date` >= CAST(@interval_start AS DATE) AND `game_date` < CAST(@interval_end AS DATE)
      GROUP BY 1
    ) AS summary
  ) AS failed WHERE NOT failed.passed
);

/**
 * Grading assertions of DOMAIN §7 (A-12b, A-18) and the mirror of supersede into grading. Each
 * selects offending rows per game_date and runs after prediction_accuracy is written.
 */
import { assertion, raw, sql } from '../src/index.js'
import { gradable } from '../includes/predictions/grading-sql.js'
import { A12B_MIN_COVERAGE } from '../includes/predictions/rules.js'

const PA = 'prediction_accuracy'

/** A-12b: per (game_date, system_id) of final games, graded rows / gradable predictions ≥ 0.95 (I-12). */
export const a12bGradingCoverage = assertion({
  name: 'a12b_grading_coverage',
  monitor: true,
  description: 'A-12b: graded rows / gradable predictions of final games >= 0.95, per game_date and system_id',
  partitionColumn: 'game_date',
  guards: PA,
  query: (ctx) => sql`SELECT g.game_date, g.system_id, COUNT(*) AS gradable_rows, COUNT(a.prediction_id) AS graded_rows
    FROM (
      SELECT p.game_date, p.system_id, p.prediction_id
      FROM ${ctx.ref('player_prop_predictions')} AS p
      JOIN ${ctx.ref('nba_schedule')} AS s ON s.game_id = p.game_id AND s.game_date = p.game_date AND s.game_status = 'Final'
      WHERE p.game_date IS NOT NULL AND ${gradable('p')}
    ) AS g
    LEFT JOIN ${ctx.ref(PA)} AS a ON a.prediction_id = g.prediction_id AND a.game_date = g.game_date AND a.game_date IS NOT NULL
    GROUP BY g.game_date, g.system_id
    HAVING COUNT(a.prediction_id) < ${raw(String(A12B_MIN_COVERAGE))} * COUNT(*)`,
})

/** one graded row per prediction_id (I-18: concurrent grading runs). */
export const a18OneRowPerPrediction = assertion({
  name: 'a18_unique_prediction_id',
  description: 'A-18: no duplicate prediction_id in prediction_accuracy',
  partitionColumn: 'game_date',
  guards: PA,
  query: (ctx) => sql`SELECT MIN(game_date) AS game_date, prediction_id, COUNT(*) AS graded_rows
    FROM ${ctx.ref(PA)} WHERE game_date IS NOT NULL GROUP BY prediction_id HAVING COUNT(*) > 1`,
})

/** among current rows, (player_lookup, game_id, system_id, line_value) is unique. */
export const a18OneCurrentRowPerLine = assertion({
  name: 'a18_unique_current_line',
  description: 'A-18: no duplicate (player_lookup, game_id, system_id, line_value) among rows of current predictions',
  partitionColumn: 'game_date',
  guards: PA,
  query: (ctx) => sql`SELECT game_date, player_lookup, game_id, system_id, line_value, COUNT(*) AS graded_rows
    FROM ${ctx.ref(PA)} WHERE game_date IS NOT NULL AND is_superseded_prediction = FALSE
    GROUP BY game_date, player_lookup, game_id, system_id, line_value HAVING COUNT(*) > 1`,
})

/**
 * is_superseded_prediction mirrors the prediction's superseded flag: a stale flag means the date's
 * predictions were regenerated without regrading it (run grading for the range too).
 */
export const gradingMirrorsSupersede = assertion({
  name: 'grading_mirrors_supersede',
  description:
    'prediction_accuracy.is_superseded_prediction equals player_prop_predictions.superseded (regrade after a regeneration)',
  partitionColumn: 'game_date',
  guards: PA,
  query: (ctx) => sql`SELECT a.game_date, a.prediction_id, a.is_superseded_prediction, p.superseded
    FROM ${ctx.ref(PA)} AS a
    JOIN ${ctx.ref('player_prop_predictions')} AS p ON p.prediction_id = a.prediction_id AND p.game_date = a.game_date AND p.game_date IS NOT NULL
    WHERE a.game_date IS NOT NULL AND a.is_superseded_prediction IS DISTINCT FROM COALESCE(p.superseded, FALSE)`,
})

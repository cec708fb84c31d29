/**
 * nba_predictions.prediction_accuracy (DOMAIN §4.3, §5.3): every gradable prediction (active or
 * superseded) with an actual row, keyed by prediction_id and merged, so a regrade upserts and the
 * graded rows of superseded predictions stay, flagged is_superseded_prediction. Regenerating
 * predictions for a date must regrade it (run with --include-dependents, as backfill does): the
 * grading_mirror assertion fails while a flag is stale.
 *
 * Late box scores (DOMAIN §5.3: no actual row yet → no graded row): a date is graded once its box
 * scores are in, but one game may turn final later (its box score arrives the next day). Each run
 * reopens the dates of its last GRADING_REOPEN_DAYS where a gradable prediction now has an actual row
 * and no graded row (ungradedDatesQuery), so the late game is graded on the next run, by merge:
 * rows already graded are regraded in place and nothing is deleted.
 */
import { incremental } from '../../src/index.js'
import { ACCURACY_COLUMNS } from '../../includes/contracts.js'
import { gradingQuery, ungradedDatesQuery } from '../../includes/predictions/grading-sql.js'
import { BATCH_DAYS, HISTORY_START } from '../../includes/sql-helpers.js'

/** How far back a run looks for dates whose box scores arrived after they were graded. */
export const GRADING_REOPEN_DAYS = 7

export const predictionAccuracy = incremental({
  name: 'prediction_accuracy',
  dataset: 'nba_predictions',
  description: 'Graded predictions: one row per prediction_id; superseded predictions keep their graded rows',
  tags: ['grading'],
  interval: {
    column: 'game_date',
    start: HISTORY_START,
    batchDays: BATCH_DAYS,
    until: ['player_prop_predictions', 'player_game_summary'],
    reopen: {
      days: GRADING_REOPEN_DAYS,
      query: (ctx) =>
        ungradedDatesQuery(ctx, {
          predictions: ctx.ref('player_prop_predictions'),
          playerGameSummary: ctx.ref('player_game_summary'),
          graded: ctx.self(),
        }),
    },
  },
  write: { strategy: 'merge', uniqueKey: ['prediction_id'] },
  columns: [...ACCURACY_COLUMNS],
  tracking: { grading_commit_sha: 'buildCommitSha', graded_at: 'startedAt', run_id: 'runId' },
  protected: true,
  clusterBy: ['system_id', 'player_lookup'],
  assertions: {
    uniqueKey: { columns: ['prediction_id'], name: 'a18_one_row_per_prediction' },
    nonNull: {
      columns: ['build_commit_sha', 'critical_features', 'is_superseded_prediction'],
      name: 'copied_tracking_present',
    },
    acceptedValues: { void_reason: ['dnp_injury_confirmed', 'dnp_late_scratch', 'dnp_unknown'] },
    expression: [
      {
        name: 'graded_pick_has_outcome',
        where: 'prediction_correct IS NOT NULL',
        condition: "recommendation IN ('OVER', 'UNDER') AND NOT is_voided AND actual_points IS NOT NULL",
      },
      {
        name: 'void_has_no_points',
        where: 'is_voided',
        condition: 'actual_points IS NULL AND prediction_correct IS NULL',
      },
    ],
  },
  query: (ctx) =>
    gradingQuery(ctx, {
      predictions: ctx.ref('player_prop_predictions'),
      playerGameSummary: ctx.ref('player_game_summary'),
      injuryReport: ctx.ref('nbac_injury_report'),
    }),
})

/**
 * The configuration of the player_prop_predictions action, shared by its definition and by the
 * incident replays (which build the same action with a serving override, in test fixtures).
 */
import type { ActionContext, IncrementalConfig, InlineAssertions } from '../../src/index.js'
import { currentLineCtes } from '../../includes/lines.js'
import { BATCH_DAYS, HISTORY_START } from '../../includes/sql-helpers.js'
import { A01, LINE_SOURCE, PREDICTION_RANGE, SYSTEM_ID } from '../../includes/predictions/rules.js'
import { completeExecutions, failExecutions, interruptStaleExecutions, startExecutions } from './execution-log.js'
import type { ExecutionLogRefs } from './execution-log.js'
import type { ServingOverride } from './model-vector.js'
import { predictionQuery } from './prediction-sql.js'
import { REQUIRED_FIXES, requiredFixCondition } from './required-fixes.js'
import type { RequiredFix } from './required-fixes.js'

/** The fixes A-19b requires, and the repository their allowed builds are computed from (default: this one). */
export interface FixRegistry {
  readonly fixes: readonly RequiredFix[]
  readonly gitDir?: string
}

/** Compared by the supersede write: a re-run supersedes a row only when one of these changed. */
export const PREDICTION_COMPARE_COLUMNS = ['model_input_hash', 'build_commit_sha', 'model_version'] as const

/** Written by the engine from the run, never by the query (DOMAIN lesson 1). */
export const PREDICTION_TRACKING = {
  build_commit_sha: 'buildCommitSha',
  deployment_revision: 'deploymentRevision',
  predicted_at: 'startedAt',
  run_id: 'runId',
} as const

const CATBOOST_WITH_PROP = `system_id = '${SYSTEM_ID}' AND line_source = '${LINE_SOURCE.actual}'`
/** A critical feature as fed, from the JSON (DECIMAL: the one numeric type both engines cast a JSON text to). */
const fed = (key: string) => `CAST(JSON_VALUE(critical_features, '$.${key}') AS DECIMAL)`

/**
 * Inline checks on the staged rows of each date, before anything is published. Share and mean
 * conditions over critical_features (A-01b, A-01c) and checks joining other tables (A-01e, A-14c
 * versions) are standalone assertions (assertions/predictions*.ts), run right after the write.
 */
export function predictionAssertions(fixes: FixRegistry = { fixes: REQUIRED_FIXES }): InlineAssertions {
  return {
    uniqueKey: { columns: ['game_id', 'player_lookup', 'system_id'], name: 'a12a_one_row_per_key' },
    acceptedValues: {
      recommendation: { values: ['OVER', 'UNDER', 'PASS', 'NO_LINE'], allowNull: false },
      line_source: { values: Object.values(LINE_SOURCE), allowNull: false },
    },
    range: {
      predicted_points: { min: PREDICTION_RANGE.min, max: PREDICTION_RANGE.max },
      confidence_score: { min: 0, max: 1 },
    },
    expression: [
      // A-01a: every catboost_v8 row priced against a real prop was fed has_vegas_line = 1.0 (I-1).
      { name: 'a01a_has_vegas_line_fed', where: CATBOOST_WITH_PROP, condition: `${fed('has_vegas_line')} = 1` },
      // With A-01a: a real prop was fed its Vegas line (the store holds the same line, lines.ts).
      { name: 'a01_vegas_line_fed', where: CATBOOST_WITH_PROP, condition: `${fed('vegas_points_line')} IS NOT NULL` },
      // A-01d: no prediction at 55+ (warn).
      {
        name: 'a01d_predicted_below_55',
        severity: 'warn',
        condition: `predicted_points < ${A01.warnPredictedAtLeast}`,
      },
      // A-19a: every catboost row carries the store's quality score.
      {
        name: 'a19a_quality_score_present',
        where: `system_id = '${SYSTEM_ID}'`,
        condition: 'feature_quality_score IS NOT NULL',
      },
      // A-19b: every row of a date range with a registered fix comes from a build containing it (the root of I-19).
      {
        name: 'a19b_build_contains_required_fixes',
        condition: requiredFixCondition(fixes.fixes, fixes.gitDir),
      },
    ],
    rowCount: [
      // A-14c: the step wrote a row for every feature-store row of the date.
      { name: 'a14c_rows_match_feature_store', relativeTo: 'ml_feature_store_v2', minRatio: 1 },
      // A-11b: a game day (schedule) has predictions: at least one row per scheduled game.
      { name: 'a11b_rows_on_game_days', relativeTo: 'nba_schedule', minRatio: 1 },
    ],
  }
}

export interface PredictionActionOptions {
  /** Incident replays only: values fed to the model instead of the store's for a date range. */
  readonly override?: ServingOverride
}

/** Everything of the action but its columns contract and assertions. */
export function predictionDefinition(options: PredictionActionOptions = {}) {
  const logRefs = (ctx: ActionContext): ExecutionLogRefs => ({
    log: ctx.ref('prediction_execution_log'),
    featureStore: ctx.ref('ml_feature_store_v2'),
    schedule: ctx.ref('nba_schedule'),
    predictions: ctx.self(),
  })
  return {
    name: 'player_prop_predictions',
    dataset: 'nba_predictions',
    description:
      'catboost_v8 points predictions, one active row per (game_id, player_lookup, system_id); superseded rows are kept',
    tags: ['predictions'],
    // The query does not read the predictions; the execution-log hooks touch only this run's rows of the batch's dates.
    interval: {
      column: 'game_date',
      start: HISTORY_START,
      batchDays: BATCH_DAYS,
      until: ['ml_feature_store_v2'],
      independentBatches: true,
    },
    write: {
      strategy: 'supersede',
      key: ['game_id', 'player_lookup', 'system_id'],
      idColumn: 'prediction_id',
      compareColumns: [...PREDICTION_COMPARE_COLUMNS],
    },
    tracking: { ...PREDICTION_TRACKING },
    protected: true,
    clusterBy: ['system_id', 'player_lookup', 'confidence_score', 'game_date'],
    hooks: {
      beforeBatch: (ctx) => [interruptStaleExecutions(ctx, logRefs(ctx)), startExecutions(ctx, logRefs(ctx))],
      afterBatch: (ctx) => completeExecutions(ctx, logRefs(ctx)),
      onFailure: (ctx) => failExecutions(ctx, logRefs(ctx)),
    },
    query: (ctx) =>
      predictionQuery(ctx, {
        featureStore: ctx.ref('ml_feature_store_v2'),
        injuryReport: ctx.ref('nbac_injury_report'),
        executionLog: ctx.ref('prediction_execution_log'),
        lineCtes: currentLineCtes(ctx),
        ...(options.override ? { override: options.override } : {}),
      }),
  } satisfies Omit<IncrementalConfig, 'columns' | 'assertions'>
}

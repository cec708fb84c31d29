/**
 * The writer of nba_predictions.prediction_execution_log (DOMAIN §4.4, lesson 8): hooks of the
 * prediction action, run by the engine around each batch.
 *
 * - beforeBatch inserts one 'started' row per (run, game_date, system) for every game day (and
 *   every feature-store date) of the batch, with a fresh execution_id, players_requested (store
 *   rows) and the store snapshot time. The prediction query joins it for each row's
 *   execution_id, so every prediction points at the log row of the run that formed it.
 * - afterBatch, inside the publish transaction, completes those rows from the date's active
 *   predictions: players_predicted (model predictions; gated rows are error_count), average
 *   quality and the share_* coverage of the inputs as fed (fractions 0–1).
 * - onFailure marks them 'failed' with the engine's error message.
 * - beforeBatch first marks 'interrupted' the rows another run left 'started' on the batch's dates:
 *   a run killed mid-batch (kill -9, a crash) never completes or fails them. Only one process writes
 *   a DuckDB warehouse at a time, so such a row's run is gone; on BigQuery a run still going would
 *   complete its rows anyway (completeExecutions does not look at the status).
 *
 * execution_start_timestamp is the run's start (= predicted_at of its rows, which the engine
 * stamps from the same clock), so predicted_at lies in [start, end] of its execution (A-02c).
 */
import { raw, sql } from '../../src/index.js'
import type { ActionContext, SqlFragment } from '../../src/index.js'
import { A01, SYSTEM_ID } from '../../includes/predictions/rules.js'
import { exactAvg } from '../../includes/sql-helpers.js'

export interface ExecutionLogRefs {
  readonly log: SqlFragment
  readonly featureStore: SqlFragment
  readonly schedule: SqlFragment
  readonly predictions: SqlFragment
}

function inInterval(ctx: ActionContext, column: string): SqlFragment {
  return sql`${raw(column)} >= ${ctx.interval.start} AND ${raw(column)} < ${ctx.interval.end}`
}

/** This run's log rows of the batch's dates. */
function ownRows(ctx: ActionContext, alias: string): SqlFragment {
  return sql`${raw(alias)}.execution_start_timestamp = ${ctx.run.startedAt} AND ${raw(alias)}.orchestration_run_id = ${ctx.run.id}
    AND ${raw(alias)}.system_id = ${SYSTEM_ID} AND ${inInterval(ctx, `${alias}.game_date`)}`
}

/** Seconds from the run's start to now. ENGINE GAP: ctx.fn has no timestamp difference. */
function secondsSinceStart(ctx: ActionContext): SqlFragment {
  return ctx.engine === 'bigquery'
    ? sql`TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), ${ctx.run.startedAt}, MILLISECOND) / 1000.0`
    : sql`(epoch_ms(${ctx.fn.currentTimestamp()}) - epoch_ms(${ctx.run.startedAt})) / 1000.0`
}

/** The @error_message parameter the engine binds for onFailure. ENGINE GAP: ActionContext does not expose it. */
function errorMessage(ctx: ActionContext): SqlFragment {
  return ctx.engine === 'bigquery' ? raw('@error_message') : raw('CAST($error_message AS VARCHAR)')
}

/**
 * Rows another run left 'started' on the batch's dates (it was killed): 'interrupted', naming who found
 * them. Only runs that started before this one (a later one is still running); the bound is also the
 * constant partition filter BigQuery requires on the log (require_partition_filter).
 */
export function interruptStaleExecutions(ctx: ActionContext, refs: ExecutionLogRefs): SqlFragment {
  return sql`UPDATE ${refs.log} AS l
SET status = 'interrupted', execution_end_timestamp = ${ctx.fn.currentTimestamp()},
  error_message = ${ctx.fn.cast(sql`'run ended without finishing this batch (process killed or crashed); found by run ' || ${ctx.run.id}`, 'STRING')}
WHERE l.status = 'started' AND l.orchestration_run_id <> ${ctx.run.id} AND l.system_id = ${SYSTEM_ID}
  AND ${inInterval(ctx, 'l.game_date')}
  AND l.execution_start_timestamp <= ${ctx.run.startedAt}`
}

export function startExecutions(ctx: ActionContext, refs: ExecutionLogRefs): SqlFragment {
  return sql`INSERT INTO ${refs.log} (execution_id, batch_id, orchestration_run_id, build_commit_sha, deployment_revision,
  execution_start_timestamp, game_date, system_id, players_requested, feature_source_mode, feature_store_snapshot_time, status, error_count, run_id)
SELECT ${ctx.fn.generateUuid()}, ${ctx.fn.cast(sql`${ctx.run.id} || ':' || ${ctx.fn.dateToString(ctx.interval.start)}`, 'STRING')}, ${ctx.run.id},
  ${ctx.run.buildCommitSha}, ${ctx.run.deploymentRevision}, ${ctx.run.startedAt}, d.game_date, ${SYSTEM_ID},
  COALESCE(f.rows_found, 0), COALESCE(f.source_mode, ${ctx.run.mode}), f.snapshot_time, 'started', 0, ${ctx.run.id}
FROM (
  SELECT DISTINCT game_date FROM (
    SELECT game_date FROM ${refs.schedule} WHERE ${inInterval(ctx, 'game_date')}
    UNION ALL
    SELECT game_date FROM ${refs.featureStore} WHERE ${inInterval(ctx, 'game_date')}
  ) AS dates
) AS d
LEFT JOIN (
  SELECT game_date, COUNT(*) AS rows_found, MAX(feature_source_mode) AS source_mode, MAX(COALESCE(updated_at, created_at)) AS snapshot_time
  FROM ${refs.featureStore} WHERE ${inInterval(ctx, 'game_date')} GROUP BY game_date
) AS f ON f.game_date = d.game_date`
}

/** A share of the date's rows, 0–1. */
function share(ctx: ActionContext, condition: SqlFragment): SqlFragment {
  return ctx.fn.safeDivide(ctx.fn.cast(ctx.fn.countIf(condition), 'FLOAT64'), ctx.fn.cast(sql`COUNT(*)`, 'FLOAT64'))
}

function fed(ctx: ActionContext, json: string, key: string): SqlFragment {
  return ctx.fn.cast(ctx.fn.jsonValue(raw(json), `$.${key}`), 'FLOAT64')
}

export function completeExecutions(ctx: ActionContext, refs: ExecutionLogRefs): SqlFragment {
  const ppm = fed(ctx, 'p.critical_features', 'ppm_avg_last_10')
  return sql`UPDATE ${refs.log} AS l
SET status = 'completed', execution_end_timestamp = ${ctx.fn.currentTimestamp()}, duration_seconds = ${secondsSinceStart(ctx)},
  players_predicted = COALESCE(s.predicted, 0), error_count = COALESCE(s.gated, 0), avg_feature_quality_score = s.avg_quality,
  share_with_vegas_line = s.share_vegas, share_with_ppm = s.share_ppm, share_with_shot_zones = s.share_zones
FROM (
  SELECT l2.execution_id, agg.predicted, agg.gated, agg.avg_quality, agg.share_vegas, agg.share_ppm, agg.share_zones
  FROM ${refs.log} AS l2
  LEFT JOIN (
    SELECT p.game_date, ${ctx.fn.countIf(sql`p.prediction_error_code IS NULL`)} AS predicted,
      ${ctx.fn.countIf(sql`p.prediction_error_code IS NOT NULL`)} AS gated,
      ${exactAvg(ctx, sql`p.feature_quality_score`)} AS avg_quality,
      ${share(ctx, sql`${fed(ctx, 'p.critical_features', 'has_vegas_line')} = 1`)} AS share_vegas,
      ${share(ctx, sql`${ppm} IS NOT NULL AND ${ppm} <> ${raw(String(A01.legacyPpmDefault))}`)} AS share_ppm,
      ${share(ctx, sql`${fed(ctx, 'p.features_snapshot', 'has_shot_zone_data')} = 1`)} AS share_zones
    FROM ${refs.predictions} AS p
    WHERE p.system_id = ${SYSTEM_ID} AND p.is_active AND ${inInterval(ctx, 'p.game_date')}
    GROUP BY p.game_date
  ) AS agg ON agg.game_date = l2.game_date
  WHERE ${ownRows(ctx, 'l2')}
) AS s
WHERE l.execution_id = s.execution_id AND ${ownRows(ctx, 'l')}`
}

export function failExecutions(ctx: ActionContext, refs: ExecutionLogRefs): SqlFragment {
  return sql`UPDATE ${refs.log} AS l
SET status = 'failed', error_message = ${errorMessage(ctx)}, error_count = COALESCE(l.players_requested, 0),
  execution_end_timestamp = ${ctx.fn.currentTimestamp()}, duration_seconds = ${secondsSinceStart(ctx)}
WHERE l.status = 'started' AND ${ownRows(ctx, 'l')}`
}

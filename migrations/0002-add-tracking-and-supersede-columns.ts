/**
 * The tracking change (DOMAIN.md §4): who wrote each row, from which code, in which run, and
 * the supersede columns that let a regenerated prediction retire an older one without
 * deleting it.
 *
 * Nullability decision: every column here is added NULLABLE. Neither BigQuery nor DuckDB can
 * add a NOT NULL column to a table that may hold rows, and rows written before this change
 * have no value to give (legacy build_commit_sha was never written; old predictions were
 * never superseded or linked to a run). The columns contract (includes/contracts.ts) marks
 * build_commit_sha, deployment_revision, predicted_at, critical_features, execution_id,
 * is_active, superseded, feature_source_mode, vegas_line_source, prediction_id,
 * is_superseded_prediction, grading_commit_sha and graded_at as `nullable: false`: the
 * engine's writers refuse a NULL there for every new row. `migrate verify` therefore compares
 * names and types, and nullability only where the DDL sets NOT NULL (0001, 0003).
 *
 * Existing rows are not backfilled: marking every legacy prediction active would break the
 * one-active-row-per-key rule; NULL in a tracking column means "written before tracking".
 * Defaults (is_active TRUE, superseded FALSE, is_superseded_prediction FALSE) apply to rows
 * inserted from now on.
 */
import { defineMigration } from '#pipeline'
import type { ColumnSpec, Target } from '#pipeline'

const DATASET = 'nba_predictions'
const FEATURE_STORE: Target = { dataset: DATASET, name: 'ml_feature_store_v2' }
const PREDICTIONS: Target = { dataset: DATASET, name: 'player_prop_predictions' }
const ACCURACY: Target = { dataset: DATASET, name: 'prediction_accuracy' }

const FEATURE_STORE_TRACKING: ColumnSpec[] = [
  { name: 'build_commit_sha', type: 'STRING', description: 'git SHA (40 hex) of the code that wrote the row' },
  { name: 'feature_source_mode', type: 'STRING', description: 'daily | backfill' },
  { name: 'vegas_line_source', type: 'STRING', description: 'odds_api | bettingpros | both | none' },
  { name: 'run_id', type: 'STRING', description: 'engine run id' },
  { name: 'updated_at', type: 'TIMESTAMP', description: 'set when a MERGE updates the row' },
]

const PREDICTION_TRACKING: ColumnSpec[] = [
  { name: 'build_commit_sha', type: 'STRING', description: 'git SHA of the code that formed the prediction' },
  { name: 'deployment_revision', type: 'STRING', description: "runtime revision id or 'local'" },
  { name: 'predicted_at', type: 'TIMESTAMP', description: 'UTC wall clock when the row was formed' },
  { name: 'critical_features', type: 'JSON', description: 'the 8 critical inputs as fed to the model' },
  { name: 'execution_id', type: 'STRING', description: 'prediction_execution_log.execution_id' },
  { name: 'run_id', type: 'STRING', description: 'engine run id' },
  { name: 'is_active', type: 'BOOL', description: 'exactly one active row per (game_id, player_lookup, system_id)' },
  { name: 'superseded', type: 'BOOL' },
  { name: 'superseded_at', type: 'TIMESTAMP' },
  { name: 'superseded_reason', type: 'STRING' },
  { name: 'superseded_by', type: 'STRING', description: 'prediction_id of the replacement' },
  { name: 'superseded_metadata', type: 'JSON' },
]

const ACCURACY_TRACKING: ColumnSpec[] = [
  { name: 'prediction_id', type: 'STRING', description: 'the graded prediction; the rebuild key' },
  { name: 'build_commit_sha', type: 'STRING', description: "the prediction's, copied" },
  { name: 'critical_features', type: 'JSON', description: "the prediction's, copied" },
  { name: 'is_superseded_prediction', type: 'BOOL', description: 'mirrors player_prop_predictions.superseded' },
  { name: 'grading_commit_sha', type: 'STRING', description: 'git SHA of the grading code' },
  { name: 'graded_at', type: 'TIMESTAMP' },
  { name: 'run_id', type: 'STRING', description: 'engine run id of the grading run' },
]

export default defineMigration({
  description: 'tracking fields (build sha, revision, run ids, critical features) and supersede columns',
  async up({ addColumn, setDefault }) {
    for (const column of FEATURE_STORE_TRACKING) await addColumn(FEATURE_STORE, column)
    for (const column of PREDICTION_TRACKING) await addColumn(PREDICTIONS, column)
    await setDefault(PREDICTIONS, 'is_active', true)
    await setDefault(PREDICTIONS, 'superseded', false)
    for (const column of ACCURACY_TRACKING) await addColumn(ACCURACY, column)
    await setDefault(ACCURACY, 'is_superseded_prediction', false)
  },
})

/**
 * prediction_execution_log (DOMAIN.md §4.4): one row per prediction run (batch × system),
 * inserted as 'started' and updated to a terminal status by the engine. The legacy system
 * declared it but never wrote it; `run_id` is added for the rebuild.
 *
 * A new, empty table, so NOT NULL is set in the DDL where §4.4 says NN.
 * BigQuery: partitioned by DATE(execution_start_timestamp) (the migration context turns a
 * TIMESTAMP partition column into its date), clustered by system_id, game_date.
 * Shares are fractions in [0, 1] (share_*), never percentages.
 */
import { defineMigration } from '#pipeline'
import type { ColumnSpec, Target } from '#pipeline'

const EXECUTION_LOG: Target = { dataset: 'nba_predictions', name: 'prediction_execution_log' }

const COLUMNS: ColumnSpec[] = [
  { name: 'execution_id', type: 'STRING', nullable: false },
  { name: 'batch_id', type: 'STRING' },
  { name: 'orchestration_run_id', type: 'STRING' },
  { name: 'build_commit_sha', type: 'STRING', nullable: false },
  { name: 'deployment_revision', type: 'STRING' },
  { name: 'execution_start_timestamp', type: 'TIMESTAMP', nullable: false },
  { name: 'execution_end_timestamp', type: 'TIMESTAMP' },
  { name: 'duration_seconds', type: 'FLOAT64' },
  { name: 'game_date', type: 'DATE', nullable: false },
  { name: 'system_id', type: 'STRING', nullable: false },
  { name: 'players_requested', type: 'INT64' },
  { name: 'players_predicted', type: 'INT64' },
  { name: 'feature_source_mode', type: 'STRING' },
  { name: 'feature_store_snapshot_time', type: 'TIMESTAMP' },
  { name: 'status', type: 'STRING', nullable: false },
  { name: 'error_message', type: 'STRING' },
  { name: 'error_count', type: 'INT64' },
  { name: 'avg_feature_quality_score', type: 'FLOAT64' },
  { name: 'share_with_vegas_line', type: 'FLOAT64' },
  { name: 'share_with_ppm', type: 'FLOAT64' },
  { name: 'share_with_shot_zones', type: 'FLOAT64' },
  { name: 'run_id', type: 'STRING' },
]

export default defineMigration({
  description: 'prediction_execution_log: one row per prediction run (batch x system)',
  async up({ createTable }) {
    await createTable(EXECUTION_LOG, COLUMNS, {
      partitionBy: 'execution_start_timestamp', clusterBy: ['system_id', 'game_date'], requirePartitionFilter: true,
    })
  },
})

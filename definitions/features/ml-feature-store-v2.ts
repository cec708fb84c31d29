/**
 * nba_predictions.ml_feature_store_v2 (DOMAIN §4.1): one row per (player_lookup, game_date) of the
 * day's roster with the 33 V8 features (0–32) and has_shot_zone_data as nullable FLOAT64 columns.
 *
 * Design:
 * - merge on (player_lookup, game_date): a rebuild of a date upserts the roster's rows; history
 *   (created_at, rows of players a later roster lacks) is kept. protected: no --full-refresh.
 * - One version per write: feature_version 'v2_33features' (feature_count 33): exactly store
 *   features 0–32, the inputs of V8 (with has_shot_zone_data, now computed in the store). Not
 *   v2_37features: its store-only 33–36 are not built, and its index 33 (dnp_rate) collides with
 *   V8's has_shot_zone_data. The rebuild's representation (NULL for missing, rebuild quality
 *   weights) is applied by the model-vector builder with explicit defaults; a change of a
 *   feature's definition bumps the version through a migration (lesson 14). A-14a checks one
 *   version per date after the merge.
 * - Tracking by the engine: build_commit_sha, run_id, feature_source_mode (the run mode: the
 *   roster rule), updated_at (the writing run's start). created_at keeps the first write's time.
 * - vegas_line_source comes from the one line-selection definition (includes/lines.ts).
 */
import { incremental } from '../../src/index.js'
import { FEATURE_STORE_COLUMNS, FEATURE_STORE_TARGET } from '../../includes/contracts.js'
import { BATCH_DAYS, HISTORY_START } from '../../includes/sql-helpers.js'
import { featureStoreAssertions } from './feature-store-assertions.js'
import { FEATURE_STORE_TRACKING, featureStoreQuery } from './feature-store-query.js'

export const mlFeatureStoreV2 = incremental({
  name: FEATURE_STORE_TARGET.name,
  dataset: FEATURE_STORE_TARGET.dataset,
  description:
    'V8 features per player and target date (strictly earlier games), with sources, quality, lineage and tracking',
  tags: ['features'],
  interval: {
    column: 'game_date',
    start: HISTORY_START,
    batchDays: BATCH_DAYS,
    until: ['upcoming_player_game_context'],
    // It reads its own rows only within the batch's dates (fs_existing: created_at of a rebuilt row).
    independentBatches: true,
  },
  write: { strategy: 'merge', uniqueKey: ['player_lookup', 'game_date'] },
  protected: true,
  columns: [...FEATURE_STORE_COLUMNS],
  tracking: FEATURE_STORE_TRACKING,
  partitionBy: 'game_date',
  clusterBy: ['player_lookup', 'feature_version', 'game_date'],
  assertions: featureStoreAssertions,
  query: featureStoreQuery,
})

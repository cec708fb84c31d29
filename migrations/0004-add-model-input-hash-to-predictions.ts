/**
 * player_prop_predictions.model_input_hash: sha256 (hex) of everything a prediction was computed
 * from — the model input vector exactly as fed (after any explicit default), the selected line
 * and its source, feature version/count/quality and the injury status at prediction.
 *
 * Why: the `supersede` write drops a regenerated row equal to the active one on its compare
 * columns, so an unchanged re-run changes nothing. The inputs live in JSON columns
 * (critical_features, features_snapshot) that BigQuery cannot compare; without a scalar
 * fingerprint, a feature fix that leaves predicted_points unchanged (a tree split not crossed)
 * would keep the old active row, whose critical_features would then disagree with the store
 * (A-01e). With it, a row is superseded exactly when code, model or inputs changed.
 *
 * Added NULLABLE (rows written before have none); the columns contract marks it NOT NULL for
 * every new row, as 0002 does for the tracking columns.
 */
import { defineMigration } from '#pipeline'
import type { Target } from '#pipeline'

const PREDICTIONS: Target = { dataset: 'nba_predictions', name: 'player_prop_predictions' }

export default defineMigration({
  description: 'player_prop_predictions.model_input_hash: fingerprint of the model inputs, for idempotent supersede',
  async up({ addColumn }) {
    await addColumn(PREDICTIONS, { name: 'model_input_hash', type: 'STRING', description: 'sha256 of the model inputs as fed, the line and the feature version' })
  },
})

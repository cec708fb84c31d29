/**
 * nba_predictions.player_prop_predictions (DOMAIN §4.2, §5.1–§5.2): catboost_v8 predictions for
 * every player in the feature store for each game date, the model evaluated in SQL from
 * includes/models/catboost_v8.json. Regenerated rows supersede the active row of the same
 * (game_id, player_lookup, system_id) in one transaction; nothing is deleted; a re-run with the
 * same code, model and inputs changes nothing (model_input_hash, build_commit_sha and
 * model_version compared). Each batch writes its execution-log rows through the hooks.
 */
import { incremental } from '../../src/index.js'
import { PREDICTION_COLUMNS } from '../../includes/contracts.js'
import { predictionAssertions, predictionDefinition } from './prediction-action.js'

export const playerPropPredictions = incremental({
  ...predictionDefinition(),
  assertions: predictionAssertions(),
  columns: [...PREDICTION_COLUMNS],
})

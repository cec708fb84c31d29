/**
 * nba_predictions.prediction_execution_log (DOMAIN §4.4): created by migration 0003, written only
 * by the hooks of player_prop_predictions (definitions/predictions/execution-log.ts), one row per
 * (run, game_date, system). Declared so the hooks and the prediction query can ref it and a run
 * stops, naming the table, if the migration has not been applied.
 */
import { declaration } from '../../src/index.js'
import { EXECUTION_LOG_COLUMNS } from '../../includes/contracts.js'

export const predictionExecutionLog = declaration({
  name: 'prediction_execution_log',
  dataset: 'nba_predictions',
  description: 'One row per prediction run (run x game_date x system): started, then completed or failed',
  columns: [...EXECUTION_LOG_COLUMNS],
})

import { defineProject } from '../src/index.js'

/** Project settings for the NBA props pipeline. */
export const project = defineProject({
  name: 'nba-props-pipeline',
  defaultDataset: 'nba_predictions',
  stateDataset: 'pipeline_state',
  // Two cores here; DuckDB parallelises each statement itself.
  concurrency: 2,
  seedModule: 'scripts/seed/index.ts',
  // `npm start` ends with the catboost_v8 hit rate per season.
  summaryReport: { name: 'hit-rate', by: 'season' },
  vars: {
    // A-13b warn floor: Odds API players with a points prop per scheduled game (see assertions/sources.ts).
    minPropPlayersPerGame: 10,
  },
})

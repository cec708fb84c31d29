import type { StrategyFactory } from './write-strategy.js'
import { insertFromStaging, rowsPerDateSql } from './write-strategy.js'

/** Insert the staged rows; existing rows stay (an event log). */
export const append: StrategyFactory<'append'> = (context) => ({
  stagedColumns: [],
  beforeWrite: [],
  write: (columns) => [insertFromStaging(context, columns)],
  verify: [],
  // Appending replaces nothing: the plan shows no row at risk.
  affectedRowsSql: rowsPerDateSql(context, ' AND 1 = 0'),
})

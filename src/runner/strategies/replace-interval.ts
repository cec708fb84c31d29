import type { StrategyFactory } from './write-strategy.js'
import { insertFromStaging, rowsPerDateSql } from './write-strategy.js'

/** Delete the interval's rows and insert the staged ones, in one transaction. */
export const replaceInterval: StrategyFactory<'replace_interval'> = (context) => ({
  stagedColumns: [],
  beforeWrite: [],
  write: (columns) => [
    context.dialect.deleteInterval(context.action.target, context.action.definition.interval.column),
    insertFromStaging(context, columns),
  ],
  verify: [],
  affectedRowsSql: rowsPerDateSql(context),
})

import type { StrategyFactory } from './write-strategy.js'
import { rowsPerDateSql } from './write-strategy.js'

/** Upsert the staged rows on the unique key: matched rows are updated, new ones inserted. */
export const merge: StrategyFactory<'merge'> = (context) => {
  const { dialect, action, staging, write } = context
  return {
    stagedColumns: [],
    beforeWrite: [],
    write: (columns) => [
      dialect.merge(action.target, staging, write.uniqueKey, columns ?? [], action.definition.interval.column),
    ],
    verify: [],
    affectedRowsSql: rowsPerDateSql(context),
  }
}

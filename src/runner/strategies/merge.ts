import type { StrategyFactory } from './write-strategy.js'
import { insertFromStaging, rowsPerDateSql } from './write-strategy.js'

/**
 * Upsert the staged rows on the unique key: matched rows are updated, new ones inserted. Into dates the
 * target holds no row of, nothing can match: a plain INSERT does the same, without the join.
 */
export const merge: StrategyFactory<'merge'> = (context) => {
  const { dialect, action, staging, write } = context
  return {
    stagedColumns: [],
    beforeWrite: [],
    write: (columns, targetEmpty) => [
      targetEmpty
        ? insertFromStaging(context, columns)
        : dialect.merge(action.target, staging, write.uniqueKey, columns ?? [], action.definition.interval.column),
    ],
    verify: [],
    affectedRowsSql: rowsPerDateSql(context),
  }
}

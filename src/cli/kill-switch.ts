import { writeFileSync } from 'node:fs'
import type { Adapter, Row, Statement, StatementOptions } from '../engines/adapter.js'
import type { Target } from '../engines/dialect.js'

/**
 * Fault injection for the kill -9 harness (scripts/reliability/): with PIPELINE_KILL_AFTER_WRITES=N
 * the process kills itself with SIGKILL right after its N-th write to the warehouse completes
 * (execute, transaction, copyTable: stage, publish, hooks, bookkeeping); nothing runs after it, as
 * after a real kill -9. PIPELINE_COUNT_WRITES_TO=FILE records how many writes a command made (at
 * close), so the harness can spread its kills over a whole run. Without either variable the
 * adapter is returned as it is.
 */
export function withKillSwitch(adapter: Adapter, env: NodeJS.ProcessEnv): Adapter {
  const killAfter = Number(env.PIPELINE_KILL_AFTER_WRITES ?? NaN)
  const countFile = env.PIPELINE_COUNT_WRITES_TO
  if (!(killAfter >= 1) && !countFile) return adapter
  let writes = 0
  const written = <T>(result: T): T => {
    writes++
    if (writes === killAfter) process.kill(process.pid, 'SIGKILL')
    return result
  }
  return {
    engine: adapter.engine,
    dialect: adapter.dialect,
    execute: async (sql: string, options?: StatementOptions) => written(await adapter.execute(sql, options)),
    query: <T extends Row = Row>(sql: string, options?: StatementOptions) => adapter.query<T>(sql, options),
    transaction: async (statements: readonly Statement[]) => written(await adapter.transaction(statements)),
    copyTable: async (from: Target, to: Target, options?: StatementOptions) =>
      written(await adapter.copyTable(from, to, options)),
    estimateBytes: (sql: string, options?: StatementOptions) => adapter.estimateBytes(sql, options),
    tableExists: (target: Target) => adapter.tableExists(target),
    describeTable: (target: Target) => adapter.describeTable(target),
    ...(adapter.describeLayout ? { describeLayout: adapter.describeLayout.bind(adapter) } : {}),
    ...(adapter.describeRelations ? { describeRelations: adapter.describeRelations.bind(adapter) } : {}),
    describeQuery: (sql: string, options?: StatementOptions) => adapter.describeQuery(sql, options),
    close: async () => {
      if (countFile) writeFileSync(countFile, `${writes}\n`)
      await adapter.close()
    },
  }
}

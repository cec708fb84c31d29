import { asString, partitionAlias } from './summary.js'
import type { CheckDefinition, Severity } from './types.js'
import { defineCheck } from './types.js'

/** A hand-written assertion (a query selecting offending rows) as a check: zero rows passes. */
export function queryCheck(options: {
  name: string
  sql: string
  severity: Severity
  partitionColumn?: string | undefined
}): CheckDefinition {
  return defineCheck({
    name: options.name,
    severity: options.severity,
    builtin: 'query',
    dependsOn: [],
    render(ctx) {
      const string = ctx.dialect.columnType('STRING')
      const partition = options.partitionColumn
        ? asString(ctx, ctx.dialect.quoteIdentifier(options.partitionColumn))
        : `CAST(NULL AS ${string})`
      const groupBy = options.partitionColumn ? '\nGROUP BY 1' : ''
      return {
        summarySql: [
          `SELECT ${partition} AS ${partitionAlias(ctx)}, CAST(COUNT(*) AS ${ctx.dialect.columnType('FLOAT64')}) AS observed, COUNT(*) AS row_count,`,
          // Ungrouped, the summary always has one row: it passes when the query found nothing.
          `  ${options.partitionColumn ? 'FALSE' : 'COUNT(*) = 0'} AS passed, FALSE AS skipped`,
          `FROM (\n${options.sql}\n) AS offending${groupBy}`,
        ].join('\n'),
        offendingSql: options.sql,
        threshold: 'expected none',
        describe: (row) => `${row.rowCount} offending row(s)`,
      }
    },
  })
}

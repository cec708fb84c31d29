import type { CheckDefinition, Severity } from '../assertions/types.js'

/** A hand-written assertion (a query selecting offending rows) as a check. */
export function queryCheck(options: { name: string; sql: string; severity: Severity; partitionColumn?: string | undefined }): CheckDefinition {
  return {
    name: options.name,
    severity: options.severity,
    builtin: 'query',
    dependsOn: [],
    render(ctx) {
      const string = ctx.dialect.columnType('STRING')
      const q = ctx.dialect.quoteIdentifier
      const partition = options.partitionColumn ? `CAST(${q(options.partitionColumn)} AS ${string})` : `CAST(NULL AS ${string})`
      const groupBy = options.partitionColumn ? '\nGROUP BY 1' : ''
      return {
        summarySql: [
          `SELECT ${partition} AS partition_value, CAST(COUNT(*) AS ${ctx.dialect.columnType('FLOAT64')}) AS observed, COUNT(*) AS row_count,`,
          '  FALSE AS passed, FALSE AS skipped',
          `FROM (\n${options.sql}\n) AS offending${groupBy}`,
        ].join('\n'),
        offendingSql: options.sql,
        threshold: '0 offending rows',
        describe: (row) => `${row.rowCount} offending row(s)`,
      }
    },
  }
}

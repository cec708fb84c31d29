import { asString, partitionAlias } from './summary.js'
import type { CheckDefinition, Severity } from './types.js'
import { defineCheck } from './types.js'

/** The value an assertion's offending rows carry and the rule they broke, e.g. hit rate < 0.55. */
export interface ObservedValue {
  /** Column of the offending rows holding the value. */
  readonly column: string
  /** How the value reads in messages, e.g. 'hit rate'. */
  readonly label: string
  /** The alert condition the query applies: a row is offending when `value op threshold`. */
  readonly op: '<' | '<=' | '>' | '>='
  readonly threshold: number
}

/** What the value must be to pass, as thresholds read ('min 0.55'): the opposite of the alert condition. */
const PASSING: Record<ObservedValue['op'], string> = { '<': 'min', '<=': 'above', '>': 'max', '>=': 'below' }

/** A value as messages show it: ratios with 3 decimals, counts as they are. */
export function formatValue(value: number | null): string {
  if (value === null) return 'NULL'
  return Number.isInteger(value) ? String(value) : value.toFixed(3)
}

/**
 * A hand-written assertion (a query selecting offending rows) as a check: zero rows passes. With
 * `observe`, each failed partition reports its worst value ('hit rate 0.493 < 0.55') rather than a count.
 */
export function queryCheck(options: {
  name: string
  sql: string
  severity: Severity
  partitionColumn?: string | undefined
  observe?: ObservedValue | undefined
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
      const float = ctx.dialect.columnType('FLOAT64')
      const observe = options.observe
      // The worst value of the partition: the lowest when too low alerts, the highest when too high does.
      const observed = observe
        ? `CAST(${observe.op.startsWith('<') ? 'MIN' : 'MAX'}(${ctx.dialect.quoteIdentifier(observe.column)}) AS ${float})`
        : `CAST(COUNT(*) AS ${float})`
      return {
        summarySql: [
          `SELECT ${partition} AS ${partitionAlias(ctx)}, ${observed} AS observed, COUNT(*) AS row_count,`,
          // Ungrouped, the summary always has one row: it passes when the query found nothing.
          `  ${options.partitionColumn ? 'FALSE' : 'COUNT(*) = 0'} AS passed, FALSE AS skipped`,
          `FROM (\n${options.sql}\n) AS offending${groupBy}`,
        ].join('\n'),
        extras: [],
        // Earliest partitions first: the first failure a run prints then has its offending row in the sample
        offendingSql: options.partitionColumn
          ? `SELECT * FROM (\n${options.sql}\n) AS offending ORDER BY ${ctx.dialect.quoteIdentifier(options.partitionColumn)}`
          : options.sql,
        threshold: observe ? `${PASSING[observe.op]} ${observe.threshold}` : 'expected none',
        describe: (row) =>
          observe
            ? `${observe.label} ${formatValue(row.observed)} ${observe.op} ${observe.threshold}`
            : `${row.rowCount} offending row(s)`,
      }
    },
  })
}

import { partitionSummary } from './summary.js'
import type { CheckDefinition, Severity } from './types.js'

/** No two rows share the key (per partition). Observed = rows in duplicated keys. */
export function uniqueKeyCheck(columns: readonly string[], severity: Severity = 'error'): CheckDefinition {
  return {
    name: 'unique_key',
    severity,
    builtin: 'uniqueKey',
    dependsOn: [],
    render(ctx) {
      const q = ctx.dialect.quoteIdentifier
      const key = columns.map(q).join(', ')
      const partitionColumns = ctx.partitionColumn && !columns.includes(ctx.partitionColumn) ? `${q(ctx.partitionColumn)}, ` : ''
      const dupes = `(SELECT ${partitionColumns}${key}, COUNT(*) AS duplicate_rows FROM ${ctx.relation} GROUP BY ${partitionColumns}${key} HAVING COUNT(*) > 1) AS d`
      return {
        summarySql: partitionSummary({ ...ctx, relation: `${ctx.relation} AS r` }, {
          observed: `COUNT(*) - COUNT(DISTINCT ${columns.length === 1 ? key : ctx.dialect.engine === 'bigquery' ? `TO_JSON_STRING(STRUCT(${key}))` : `(${key})`})`,
          passed: (o) => `${o} = 0`,
        }),
        offendingSql: `SELECT * FROM ${dupes}`,
        threshold: 'no duplicate keys',
        describe: (row) => `${row.observed ?? 0} of ${row.rowCount} rows repeat a key (${columns.join(', ')})`,
      }
    },
  }
}

/** Columns are never NULL. Observed = rows with a NULL in any of them. */
export function nonNullCheck(columns: readonly string[], severity: Severity = 'error'): CheckDefinition {
  return {
    name: columns.length === 1 ? `${columns[0]}_non_null` : 'non_null',
    severity,
    builtin: 'nonNull',
    dependsOn: [],
    render(ctx) {
      const q = ctx.dialect.quoteIdentifier
      const condition = columns.map((c) => `${q(c)} IS NULL`).join(' OR ')
      return {
        summarySql: partitionSummary(ctx, { observed: `COUNT(CASE WHEN ${condition} THEN 1 END)`, passed: (o) => `${o} = 0` }),
        offendingSql: `SELECT * FROM ${ctx.relation} WHERE ${condition}`,
        threshold: 'no NULL',
        describe: (row) => `${row.observed ?? 0} of ${row.rowCount} rows have NULL in ${columns.join(', ')}`,
      }
    },
  }
}

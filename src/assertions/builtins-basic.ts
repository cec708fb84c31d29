import {
  fnText,
  offendingFromFailed,
  partitionAlias,
  partitionExpression,
  scope,
  summaryQuery,
  tooFew,
} from './summary.js'
import type { AcceptedValuesSpec, ExpressionSpec } from './specs.js'
import type { CheckContext, CheckDefinition, CheckQuery, CheckSummaryRow, ResolvedOptions } from './types.js'
import { defineCheck } from './types.js'

type Options<S> = Omit<S, 'severity' | 'name' | 'minRows' | 'where'> & ResolvedOptions

/** What a row-level check says: which rows break it, and how to word a failure. */
interface Violation {
  readonly condition: string
  readonly threshold: string
  readonly describe: (row: CheckSummaryRow) => string
  readonly extra?: Readonly<Record<string, string>>
}

/** A check whose observed value is the number of rows breaking a condition; 0 passes. */
export function violationCheck(
  meta: { name: string; builtin: string; options: ResolvedOptions },
  violation: (ctx: CheckContext) => Violation,
): CheckDefinition {
  const { options } = meta
  const minRows = options.minRows ?? 1
  return defineCheck({
    name: meta.name,
    severity: options.severity,
    builtin: meta.builtin,
    dependsOn: [],
    render(ctx): CheckQuery {
      const v = violation(ctx)
      const summary = summaryQuery(ctx, {
        from: ctx.relation,
        partition: partitionExpression(ctx),
        where: scope(ctx, options.where),
        observed: fnText(ctx, (fn, r) => fn.countIf(r(v.condition))),
        ...(v.extra ? { extra: v.extra } : {}),
        passed: 'observed = 0',
        skipped: tooFew(minRows),
      })
      return {
        ...summary,
        minRows,
        threshold: v.threshold,
        describe: v.describe,
        offendingSql: offendingFromFailed(ctx, {
          summarySql: summary.summarySql,
          condition: v.condition,
          where: options.where,
        }),
      }
    },
  })
}

/** No two rows share the key (per partition). Observed = rows beyond the first of each key. */
export function uniqueKeyCheck(options: Options<{ columns: readonly string[] }>): CheckDefinition {
  const { columns } = options
  const minRows = options.minRows ?? 1
  return defineCheck({
    name: options.name ?? 'unique_key',
    severity: options.severity,
    builtin: 'uniqueKey',
    dependsOn: [],
    render(ctx): CheckQuery {
      const q = ctx.dialect.quoteIdentifier
      const key = columns.map(q).join(', ')
      const partition = partitionExpression(ctx)
      const p = partitionAlias(ctx)
      const where = scope(ctx, options.where)
      const keyed = [
        `(\n    SELECT ${partition ? `${partition} AS ${p}, ` : ''}COUNT(*) AS key_rows`,
        `    FROM ${ctx.relation}${where.length ? `\n    WHERE ${where.join(' AND ')}` : ''}`,
        `    GROUP BY ${partition ? `${partition}, ` : ''}${key}\n  ) AS keyed`,
      ].join('\n')
      const summary = summaryQuery(ctx, {
        from: keyed,
        partition: partition ? `keyed.${p}` : null,
        observed: 'COALESCE(SUM(key_rows) - COUNT(*), 0)',
        rowCount: 'COALESCE(SUM(key_rows), 0)',
        passed: 'observed = 0',
        skipped: tooFew(minRows),
      })
      const select = `${ctx.partitionColumn && !columns.includes(ctx.partitionColumn) ? `${q(ctx.partitionColumn)}, ` : ''}${key}, COUNT(*) AS duplicate_rows`
      const groupBy = `${ctx.partitionColumn && !columns.includes(ctx.partitionColumn) ? `${q(ctx.partitionColumn)}, ` : ''}${key}\nHAVING COUNT(*) > 1`
      return {
        ...summary,
        minRows,
        threshold: 'no duplicate keys',
        describe: (row) => `${row.observed ?? 0} of ${row.rowCount} rows repeat a key (${columns.join(', ')})`,
        offendingSql: offendingFromFailed(ctx, {
          summarySql: summary.summarySql,
          condition: null,
          where: options.where,
          select,
          groupBy,
        }),
      }
    },
  })
}

/** Columns are never NULL. Observed = rows with a NULL in any of them. */
export function nonNullCheck(options: Options<{ columns: readonly string[] }>): CheckDefinition {
  const { columns } = options
  const name = options.name ?? (columns.length === 1 ? `${columns[0]}_non_null` : 'non_null')
  return violationCheck({ name, builtin: 'nonNull', options }, (ctx) => ({
    condition: columns.map((c) => `${ctx.dialect.quoteIdentifier(c)} IS NULL`).join(' OR '),
    threshold: 'no NULL',
    describe: (row) => `${row.observed ?? 0} of ${row.rowCount} rows have NULL in ${columns.join(', ')}`,
  }))
}

/** Every value of a column is one of a list (NULL passes unless allowNull is false). */
export function acceptedValuesCheck(options: Options<AcceptedValuesSpec>): CheckDefinition {
  const shown = options.values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ')
  return violationCheck(
    { name: options.name ?? `${options.column}_accepted_values`, builtin: 'acceptedValues', options },
    (ctx) => {
      const column = ctx.dialect.quoteIdentifier(options.column)
      const list = options.values.map((v) => ctx.dialect.literal(v)).join(', ')
      const allowNull = options.allowNull ?? true
      return {
        condition: allowNull ? `${column} NOT IN (${list})` : `${column} IS NULL OR ${column} NOT IN (${list})`,
        threshold: `values in (${shown})${allowNull ? '' : ', no NULL'}`,
        describe: (row) => `${row.observed ?? 0} of ${row.rowCount} rows have ${options.column} outside (${shown})`,
      }
    },
  )
}

/** A boolean SQL condition holds on every row in scope; NULL counts as not holding. */
export function expressionCheck(options: Options<Omit<ExpressionSpec, 'name'>> & { name: string }): CheckDefinition {
  return violationCheck({ name: options.name, builtin: 'expression', options }, () => ({
    condition: `NOT COALESCE((${options.condition}), FALSE)`,
    threshold: 'holds on every row',
    describe: (row) => `${row.observed ?? 0} of ${row.rowCount} rows break ${options.condition}`,
  }))
}

import {
  asString,
  fnText,
  formatRatio,
  intervalCondition,
  partitionAlias,
  partitionExpression,
  plural,
  scope,
  summarize,
  summaryQuery,
  whereClause,
} from './summary.js'
import type { SummarySpec } from './summary.js'
import type { FreshnessSpec, RowCountSpec } from './specs.js'
import type { CheckContext, CheckDefinition, CheckQuery, CheckSummaryRow, ResolvedOptions } from './types.js'
import { REFERENCE_DATE_PARAM, defineCheck } from './types.js'

type Options<S> = Omit<S, 'severity' | 'name' | 'minRows' | 'where'> & ResolvedOptions

/**
 * Rows per partition: at least `min`, and/or at least `minRatio` of an upstream's rows for the same
 * partition. Relative to an upstream, partitions come from the upstream, so a partition this
 * relation lacks entirely fails with 0 rows.
 */
export function rowCountCheck(options: Options<RowCountSpec>): CheckDefinition {
  return defineCheck({
    name: options.name ?? 'row_count',
    severity: options.severity,
    builtin: 'rowCount',
    dependsOn: options.relativeTo ? [options.relativeTo] : [],
    render: (ctx) =>
      options.relativeTo ? renderRelative(ctx, options, options.relativeTo) : renderAbsolute(ctx, options),
  })
}

function renderAbsolute(ctx: CheckContext, options: Options<RowCountSpec>): CheckQuery {
  const min = options.min ?? 0
  const where = scope(ctx, options.where)
  const partition = partitionExpression(ctx)
  const summarySpec: SummarySpec = {
    from: ctx.relation,
    partition,
    where,
    observed: 'COUNT(*)',
    // Too few rows is what this check judges: a partition is never skipped for it.
    passed: `observed >= ${min}`,
    skipped: 'FALSE',
  }
  let summarySql = summarize(ctx, summarySpec)
  // No partition at all has no summary row: an explicit empty row fails instead.
  const explicitEmpty = partition !== null && options.allowEmpty === false
  if (explicitEmpty) {
    summarySql += [
      '\nUNION ALL',
      `SELECT CAST(NULL AS ${ctx.dialect.columnType('STRING')}) AS ${partitionAlias(ctx)}, CAST(0 AS ${ctx.dialect.columnType('FLOAT64')}) AS observed, 0 AS row_count, FALSE AS passed, FALSE AS skipped`,
      `FROM (\n  SELECT COUNT(*) AS total_rows\n  FROM ${ctx.relation}${whereClause(where)}\n) AS total`,
      'WHERE total.total_rows = 0',
    ].join('\n')
  }
  return {
    summarySql,
    // With the explicit empty row the summary is more than its spec: it is never fused with others.
    ...(explicitEmpty ? {} : { summarySpec }),
    extras: [],
    offendingSql: null,
    threshold: `min ${plural(min, 'row')}`,
    describe: (row) => (row.rowCount === 0 && row.partition === null ? 'no rows at all' : plural(row.rowCount, 'row')),
  }
}

function renderRelative(ctx: CheckContext, options: Options<RowCountSpec>, upstream: string): CheckQuery {
  const q = ctx.dialect.quoteIdentifier
  const p = partitionAlias(ctx)
  const minRatio = options.minRatio ?? 1
  const upstreamColumn = options.upstreamPartition ?? ctx.partitionColumn
  const counted = options.upstreamDistinct ? `COUNT(DISTINCT ${q(options.upstreamDistinct)})` : 'COUNT(*)'
  const where = scope(ctx, options.where)
  const from =
    ctx.partitionColumn && upstreamColumn
      ? [
          `(\n    SELECT ${asString(ctx, q(upstreamColumn))} AS ${p}, ${counted} AS upstream_rows`,
          `    FROM ${ctx.resolveRelation(upstream)}${ctx.restrictToInterval ? `\n    WHERE ${intervalCondition(ctx, upstreamColumn)}` : ''}`,
          '    GROUP BY 1\n  ) AS upstream',
          `  LEFT JOIN (\n    SELECT ${partitionExpression(ctx)} AS ${p}, COUNT(*) AS checked_rows`,
          `    FROM ${ctx.relation}${where.length ? `\n    WHERE ${where.join(' AND ')}` : ''}`,
          `    GROUP BY 1\n  ) AS checked ON checked.${p} = upstream.${p}`,
        ].join('\n')
      : [
          `(SELECT ${counted} AS upstream_rows FROM ${ctx.resolveRelation(upstream)}) AS upstream`,
          `  CROSS JOIN (SELECT COUNT(*) AS checked_rows FROM ${ctx.relation}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}) AS checked`,
        ].join('\n')
  const rows = 'COALESCE(SUM(checked.checked_rows), 0)'
  const passed = [
    `observed >= ${minRatio}`,
    ...(options.min !== undefined ? [`row_count >= ${options.min}`] : []),
  ].join(' AND ')
  const summary = summaryQuery(ctx, {
    from,
    partition: ctx.partitionColumn && upstreamColumn ? `upstream.${p}` : null,
    observed: fnText(ctx, (fn, r) => fn.safeDivide(r(rows), r('SUM(upstream.upstream_rows)'))),
    rowCount: rows,
    extra: { upstream_rows: 'SUM(upstream.upstream_rows)' },
    passed,
    skipped: options.minRows ? `upstream_rows < ${options.minRows}` : 'FALSE',
  })
  const what = options.upstreamDistinct ? `distinct ${options.upstreamDistinct}` : 'rows'
  return {
    ...summary,
    offendingSql: null,
    threshold: `min ${formatRatio(minRatio)} of ${upstream}${options.min !== undefined ? `, min ${plural(options.min, 'row')}` : ''}`,
    ...(options.minRows ? { minRows: options.minRows } : {}),
    describe: (row) =>
      `${plural(row.rowCount, 'row')}, ${formatRatio(row.observed)} of ${upstream}'s ${row.extra?.upstream_rows ?? 0} ${what}`,
    describeSkipped: (row: CheckSummaryRow) =>
      `${upstream} has only ${row.extra?.upstream_rows ?? 0} ${what}, fewer than ${options.minRows}; not judged`,
  }
}

/** The latest date is at most `maxAgeDays` before the reference date (@reference_date). One row for the relation, never skipped. */
export function freshnessCheck(options: Options<FreshnessSpec>): CheckDefinition {
  return defineCheck({
    name: options.name ?? 'freshness',
    severity: options.severity,
    builtin: 'freshness',
    dependsOn: [],
    render(ctx): CheckQuery {
      const column = options.column ?? ctx.partitionColumn
      const threshold = `max ${plural(options.maxAgeDays, 'day')} old`
      if (!column) {
        const summary = summaryQuery(ctx, {
          from: ctx.relation,
          partition: null,
          observed: 'NULL',
          passed: 'FALSE',
          skipped: 'FALSE',
        })
        return {
          ...summary,
          offendingSql: null,
          threshold,
          describe: () => "no date column to judge: set the freshness check's column",
        }
      }
      const latest = fnText(ctx, (fn, r) => fn.cast(r(`MAX(${ctx.dialect.quoteIdentifier(column)})`), 'DATE'))
      const reference = ctx.dialect.param(REFERENCE_DATE_PARAM, 'DATE')
      const summary = summaryQuery(ctx, {
        from: ctx.relation,
        partition: null,
        where: scope(ctx, options.where),
        observed: fnText(ctx, (fn, r) => fn.dateDiffDays(r(reference), r(latest))),
        passed: `observed <= ${options.maxAgeDays}`,
        skipped: 'FALSE',
      })
      return {
        ...summary,
        offendingSql: null,
        threshold,
        describe: (row) =>
          row.observed === null
            ? `no ${column} in ${plural(row.rowCount, 'row')}`
            : `latest ${column} is ${plural(row.observed, 'day')} old`,
      }
    },
  })
}

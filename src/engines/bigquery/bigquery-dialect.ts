import { formatBigQueryType, parseColumnType } from '../column-types.js'
import type { ColumnSpec, Dialect, QueryCompilerOptions, SqlFunctions, TableOptions, Target } from '../dialect.js'
import { INTERVAL_END, INTERVAL_START } from '../dialect.js'
import {
  columnDefinitions,
  columnList,
  formatNumber,
  insertJsonRowsStatement,
  mergeStatement,
} from '../shared-dialect.js'
import { BigQueryQueryCompiler } from './bigquery-query-compiler.js'
import { ConfigError } from '../../core/errors.js'
import { raw, sql } from '../../sql/fragment.js'
import type { ParamType, SqlScalar } from '../../sql/fragment.js'

function quote(name: string): string {
  if (name.includes('`')) throw new Error(`identifier "${name}" contains a backtick`)
  return `\`${name}\``
}

function columnType(type: string): string {
  return formatBigQueryType(parseColumnType(type))
}

function literal(value: SqlScalar): string {
  if (value === null) return 'NULL'
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (typeof value === 'number') return formatNumber(value)
  if (typeof value === 'bigint') return value.toString()
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`
}

const fn: SqlFunctions = {
  safeDivide: (a, b) => sql`SAFE_DIVIDE(${a}, ${b})`,
  countIf: (c) => sql`COUNTIF(${c})`,
  dateAddDays: (d, n) => sql`DATE_ADD(${d}, INTERVAL ${typeof n === 'number' ? raw(String(n)) : n} DAY)`,
  dateDiffDays: (end, start) => sql`DATE_DIFF(${end}, ${start}, DAY)`,
  jsonObject: (entries) => sql`JSON_OBJECT(${entries.map(([k, v]) => sql`${k}, ${v}`)})`,
  jsonValue: (json, path) => sql`JSON_VALUE(${json}, ${path})`,
  arrayAt: (a, i) => sql`${a}[SAFE_OFFSET(${typeof i === 'number' ? raw(String(i)) : i})]`,
  splitPart: (v, sep, i) => sql`SPLIT(${v}, ${sep})[SAFE_OFFSET(${raw(String(i - 1))})]`,
  safeCast: (v, t) => sql`SAFE_CAST(${v} AS ${raw(columnType(t))})`,
  parseJson: (v) => sql`SAFE.PARSE_JSON(${v})`,
  cast: (v, t) => sql`CAST(${v} AS ${raw(columnType(t))})`,
  clamp: (x, lo, hi) =>
    sql`CASE WHEN ${x} IS NULL THEN NULL ELSE LEAST(GREATEST(${x}, ${raw(formatNumber(lo))}), ${raw(formatNumber(hi))}) END`,
  currentTimestamp: () => raw('CURRENT_TIMESTAMP()'),
  sha256Hex: (v) => sql`TO_HEX(SHA256(${v}))`,
  generateUuid: () => raw('GENERATE_UUID()'),
  stddevSamp: (x) => sql`STDDEV_SAMP(${x})`,
  arrayAgg: (x, orderBy) =>
    orderBy ? sql`ARRAY_AGG(${x} IGNORE NULLS ORDER BY ${orderBy})` : sql`ARRAY_AGG(${x} IGNORE NULLS)`,
  arrayMax: (a) => sql`(SELECT MAX(element) FROM UNNEST(${a}) AS element)`,
  dateToString: (d) => sql`FORMAT_DATE('%Y-%m-%d', ${d})`,
  percentile: (x, p) => sql`APPROX_QUANTILES(${x}, 100)[OFFSET(${raw(String(Math.round(p * 100)))})]`,
}

export interface BigQueryDialectOptions {
  /** Project that qualifies every table name; omitted, names are dataset.table. */
  readonly project?: string
  /** Location of the datasets `createSchema` creates (e.g. `US`, `EU`, `europe-west2`); omitted, the job's location. */
  readonly location?: string
  /** Hours before a staging table expires (default 48: a failed audit's rows stay for a day's inspection). */
  readonly stagingExpirationHours?: number
}

const DEFAULT_STAGING_EXPIRATION_HOURS = 48
const LOCATION = /^[A-Za-z][A-Za-z0-9-]{1,40}$/

/** BigQuery: partitioned and clustered tables, scripts for transactions, bytes-billed dry runs. */
export function createBigQueryDialect(options: BigQueryDialectOptions = {}): Dialect {
  if (options.location !== undefined && !LOCATION.test(options.location)) {
    throw new ConfigError(
      `BigQuery location "${options.location}" is not a location name; set PIPELINE_BQ_LOCATION to one such as US, EU or europe-west2`,
    )
  }
  const schemaOptions = options.location ? ` OPTIONS (location = ${literal(options.location)})` : ''
  const formatTarget = (t: Target) =>
    quote(options.project ? `${options.project}.${t.dataset}.${t.name}` : `${t.dataset}.${t.name}`)
  const layout = (o?: TableOptions, columns?: readonly ColumnSpec[], extraOptions: readonly string[] = []): string => {
    const parts: string[] = []
    // A TIMESTAMP column partitions by its date; a DATE column by itself.
    const partitionType =
      columns?.find((c) => c.name === o?.partitionBy)?.type.toUpperCase() ?? o?.partitionType ?? 'DATE'
    if (o?.partitionBy)
      parts.push(
        `PARTITION BY ${partitionType === 'TIMESTAMP' ? `DATE(${quote(o.partitionBy)})` : quote(o.partitionBy)}`,
      )
    if (o?.clusterBy?.length) parts.push(`CLUSTER BY ${columnList(o.clusterBy, quote)}`)
    const tableOptions = [
      ...(o?.partitionBy && o.requirePartitionFilter ? ['require_partition_filter = TRUE'] : []),
      ...extraOptions,
    ]
    if (tableOptions.length) parts.push(`OPTIONS (${tableOptions.join(', ')})`)
    return parts.length ? `\n${parts.join('\n')}` : ''
  }
  const stagingHours = options.stagingExpirationHours ?? DEFAULT_STAGING_EXPIRATION_HOURS
  return Object.freeze({
    engine: 'bigquery',
    // BigQuery takes at most 1,024K characters of GoogleSQL query text per job.
    capabilities: { supportsTransactionalDdl: false, supportsDryRunCost: true, maxStatementLength: 1_000_000 },
    fn,
    quoteIdentifier: quote,
    formatTarget,
    literal,
    // Typed by a CAST so a NULL value (sent as STRING) still lands in a DATE or TIMESTAMP column.
    param: (name: string, type: ParamType) => (type === 'STRING' ? `@${name}` : `CAST(@${name} AS ${type})`),
    columnType,
    createSchema: (dataset: string) =>
      `CREATE SCHEMA IF NOT EXISTS ${quote(options.project ? `${options.project}.${dataset}` : dataset)}${schemaOptions}`,
    createTable: (target: Target, columns: readonly ColumnSpec[], o?: TableOptions) =>
      `CREATE TABLE IF NOT EXISTS ${formatTarget(target)} (\n${columnDefinitions(columns, quote, columnType)}\n)${layout(o, columns)}`,
    createTableAs: (target: Target, select: string, o?: TableOptions) =>
      `CREATE TABLE ${formatTarget(target)}${layout(o)}\nAS\n${select}`,
    // Per run, so two runs never share (or drop) each other's staged rows.
    stagingTable: (target: Target, runId: string) => ({
      dataset: target.dataset,
      name: `${target.name}__staging_${runId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 1024),
    }),
    // Expires on its own: a staging table a crashed run leaves behind is not kept (nor billed) for ever.
    createStagingTableAs: (staging: Target, select: string, o?: TableOptions) =>
      `CREATE OR REPLACE TABLE ${formatTarget(staging)}${layout({ ...o, requirePartitionFilter: false }, undefined, [
        `expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL ${Math.trunc(stagingHours)} HOUR)`,
      ])}\nAS\n${select}`,
    createOrReplaceTableAs: (target: Target, select: string, o?: TableOptions) =>
      `CREATE OR REPLACE TABLE ${formatTarget(target)}${layout(o)}\nAS\n${select}`,
    createOrReplaceView: (target: Target, select: string) =>
      `CREATE OR REPLACE VIEW ${formatTarget(target)} AS\n${select}`,
    dropTable: (target: Target) => `DROP TABLE IF EXISTS ${formatTarget(target)}`,
    dropView: (target: Target) => `DROP VIEW IF EXISTS ${formatTarget(target)}`,
    renameTable: (from: Target, toName: string) => `ALTER TABLE ${formatTarget(from)} RENAME TO ${quote(toName)}`,
    insertSelect: (target: Target, columns: readonly string[], select: string) => {
      const list = columnList(columns, quote)
      return `INSERT INTO ${formatTarget(target)} (${list})\nSELECT ${list} FROM (\n${select}\n) AS q`
    },
    deleteInterval: (target: Target, column: string) =>
      `DELETE FROM ${formatTarget(target)}\nWHERE ${quote(column)} >= CAST(@${INTERVAL_START} AS DATE) AND ${quote(column)} < CAST(@${INTERVAL_END} AS DATE)`,
    // BigQuery needs a constant filter on a require_partition_filter target's partition column in MERGE's ON.
    merge: (
      target: Target,
      source: Target,
      uniqueKey: readonly string[],
      columns: readonly string[],
      intervalColumn?: string,
    ) =>
      mergeStatement({
        target: formatTarget(target),
        source: formatTarget(source),
        uniqueKey,
        columns,
        quote,
        ...(intervalColumn
          ? {
              targetFilter: `t.${quote(intervalColumn)} >= CAST(@${INTERVAL_START} AS DATE) AND t.${quote(intervalColumn)} < CAST(@${INTERVAL_END} AS DATE)`,
            }
          : {}),
      }),
    addColumns: (target: Target, columns: readonly ColumnSpec[]) =>
      columns.length === 0
        ? []
        : [
            `ALTER TABLE ${formatTarget(target)}\n${columns.map((column) => `  ADD COLUMN IF NOT EXISTS ${quote(column.name)} ${columnType(column.type)}`).join(',\n')}`,
          ],
    insertJsonRows: (target: Target, columns: readonly ColumnSpec[], parameter: string) =>
      insertJsonRowsStatement({
        target: formatTarget(target),
        columns,
        rows: `UNNEST(JSON_QUERY_ARRAY(@${parameter})) AS r`,
        extract: (column) => `JSON_VALUE(r, '$.${column}')`,
        typed: (text, column) =>
          column.type.toUpperCase() === 'STRING'
            ? text
            : column.type.toUpperCase() === 'JSON'
              ? `SAFE.PARSE_JSON(${text})`
              : `CAST(${text} AS ${columnType(column.type)})`,
        quote,
      }),
    // A BigQuery transaction is a multi-statement script sent as one job.
    transaction: (statements: readonly string[]) => [
      `BEGIN TRANSACTION;\n${statements.map((s) => `${s};`).join('\n')}\nCOMMIT TRANSACTION;`,
    ],
    limit: (select: string, n: number) => `SELECT * FROM (\n${select}\n) AS limited LIMIT ${Math.trunc(n)}`,
    createQueryCompiler: (compilerOptions?: QueryCompilerOptions) =>
      new BigQueryQueryCompiler({ ...compilerOptions, ...(options.project ? { project: options.project } : {}) }),
  })
}

export const bigQueryDialect: Dialect = createBigQueryDialect()

import { invalidQuery } from './errors.js'
import type { AnyNode } from './sql-tree.js'
import { keywordText, raw, text } from './sql-tree.js'

/** A rewrite gets the call's argument texts (already DuckDB) and returns the DuckDB expression. */
type Rewrite = (args: string[], call: AnyNode) => string

/** Same name and meaning in DuckDB: printed as written. */
const SAME = new Set(
  (
    'COUNT SUM AVG MIN MAX COALESCE ABS ROUND FLOOR CEIL CEILING SQRT POW POWER EXP LN LOG10 SIGN UPPER LOWER TRIM ' +
    'LTRIM RTRIM LENGTH SUBSTR SUBSTRING REPLACE STARTS_WITH ENDS_WITH STRPOS NULLIF IFNULL IF ROW_NUMBER RANK ' +
    'DENSE_RANK PERCENT_RANK CUME_DIST NTILE LAG LEAD FIRST_VALUE LAST_VALUE NTH_VALUE STDDEV_SAMP STDDEV_POP STDDEV ' +
    'VAR_SAMP VAR_POP VARIANCE CORR COVAR_SAMP COVAR_POP ANY_VALUE STRING_AGG LPAD RPAD REVERSE MOD TRUNC ' +
    'CHAR_LENGTH REGEXP_EXTRACT JSON_OBJECT ARRAY_TO_STRING APPROX_COUNT_DISTINCT UNNEST ARRAY'
  ).split(' '),
)

const PART_FUNCTIONS: Record<string, string> = {
  YEAR: 'to_years',
  QUARTER: 'to_months',
  MONTH: 'to_months',
  WEEK: 'to_weeks',
  DAY: 'to_days',
  HOUR: 'to_hours',
  MINUTE: 'to_minutes',
  SECOND: 'to_seconds',
  MILLISECOND: 'to_milliseconds',
  MICROSECOND: 'to_microseconds',
}

/** `INTERVAL n UNIT` with any expression for n, as a DuckDB interval. */
export function intervalText(value: string, unit: string): string {
  const fn = PART_FUNCTIONS[unit.toUpperCase()]
  if (!fn) throw invalidQuery(`INTERVAL unit ${unit} is not supported by the local BigQuery endpoint`)
  const n = unit.toUpperCase() === 'QUARTER' ? `3 * (${value})` : value
  return `${fn}(CAST(${n} AS INTEGER))`
}

const datePart = (arg: string | undefined): string => `'${(arg ?? 'DAY').replace(/^'|'$/g, '').toLowerCase()}'`
const nullIfAnyNull = (fn: string) => (a: string[]) =>
  `CASE WHEN ${a.map((x) => `(${x}) IS NULL`).join(' OR ')} THEN NULL ELSE ${fn}(${a.join(', ')}) END`

const REWRITES: Record<string, Rewrite> = {
  SAFE_DIVIDE: ([a, b]) => `CASE WHEN (${b}) = 0 THEN NULL ELSE (${a}) / (${b}) END`,
  IEEE_DIVIDE: ([a, b]) => `(CAST(${a} AS DOUBLE) / CAST(${b} AS DOUBLE))`,
  DIV: ([a, b]) => `((${a}) // (${b}))`,
  // BigQuery's COUNTIF is 0 over no TRUE row (all NULL included); DuckDB's count_if is NULL then.
  COUNTIF: ([c]) => `count(CASE WHEN (${c}) THEN 1 END)`,
  LOGICAL_AND: ([c]) => `bool_and(${c})`,
  LOGICAL_OR: ([c]) => `bool_or(${c})`,
  // BigQuery's LEAST/GREATEST return NULL when any argument is NULL; DuckDB's skip NULLs.
  LEAST: nullIfAnyNull('least'),
  GREATEST: nullIfAnyNull('greatest'),
  CONCAT: (a) => `(${a.map((x) => `CAST(${x} AS VARCHAR)`).join(' || ')})`,
  IS_NAN: ([x]) => `isnan(${x})`,
  IS_INF: ([x]) => `isinf(${x})`,
  ARRAY_LENGTH: ([x]) => `len(${x})`,
  ARRAY_CONCAT: (a) => `list_concat(${a.join(', ')})`,
  REGEXP_CONTAINS: ([s, p]) => `regexp_matches(${s}, ${p})`,
  REGEXP_REPLACE: ([s, p, r]) => `regexp_replace(${s}, ${p}, ${r}, 'g')`,
  SPLIT: ([s, sep]) => `string_split(${s}, ${sep ?? "','"})`,
  DATE_ADD: ([d, i]) => `CAST((${d}) + ${i} AS DATE)`,
  DATE_SUB: ([d, i]) => `CAST((${d}) - ${i} AS DATE)`,
  DATE_DIFF: ([a, b, part]) => `date_diff(${datePart(part)}, CAST(${b} AS DATE), CAST(${a} AS DATE))`,
  DATE_TRUNC: ([d, part]) => `CAST(date_trunc(${datePart(part)}, ${d}) AS DATE)`,
  TIMESTAMP_ADD: ([t, i]) => `CAST((${t}) + ${i} AS TIMESTAMP)`,
  TIMESTAMP_SUB: ([t, i]) => `CAST((${t}) - ${i} AS TIMESTAMP)`,
  // BigQuery counts whole units elapsed (date_sub), not boundaries crossed (date_diff).
  TIMESTAMP_DIFF: ([a, b, part]) => `date_sub(${datePart(part)}, CAST(${b} AS TIMESTAMP), CAST(${a} AS TIMESTAMP))`,
  TIMESTAMP_TRUNC: ([t, part]) => `date_trunc(${datePart(part)}, CAST(${t} AS TIMESTAMP))`,
  DATE: (a) => (a.length === 3 ? `make_date(${a.join(', ')})` : `CAST(${a[0]} AS DATE)`),
  TIMESTAMP: ([x]) => `CAST(CAST(${x} AS TIMESTAMPTZ) AS TIMESTAMP)`,
  CURRENT_TIMESTAMP: () => 'CAST(get_current_timestamp() AS TIMESTAMP)',
  CURRENT_DATE: () => 'current_date',
  FORMAT_DATE: ([f, d]) => `strftime(CAST(${d} AS DATE), ${f})`,
  FORMAT_TIMESTAMP: ([f, t]) => `strftime(CAST(${t} AS TIMESTAMP), ${f})`,
  PARSE_DATE: ([f, s]) => `CAST(strptime(${s}, ${f}) AS DATE)`,
  UNIX_SECONDS: ([t]) => `CAST(epoch(${t}) AS BIGINT)`,
  UNIX_MILLIS: ([t]) => `epoch_ms(${t})`,
  JSON_VALUE: ([j, p]) => `json_extract_string(${j}, ${p ?? "'$'"})`,
  JSON_EXTRACT_SCALAR: ([j, p]) => `json_extract_string(${j}, ${p ?? "'$'"})`,
  JSON_QUERY: ([j, p]) => `json_extract(${j}, ${p ?? "'$'"})`,
  // An empty or NULL array gives no elements, as BigQuery's does.
  JSON_QUERY_ARRAY: ([j, p]) => `json_extract(CAST(${j} AS JSON), ${p ? `${p} || '[*]'` : "'$[*]'"})`,
  TO_JSON_STRING: ([x]) => `CAST(to_json(${x}) AS VARCHAR)`,
  PARSE_JSON: ([x]) => `CAST(${x} AS JSON)`,
  'SAFE.PARSE_JSON': ([x]) => `TRY_CAST(${x} AS JSON)`,
  // DuckDB's sha256/md5 return hex text; BigQuery's return BYTES that TO_HEX spells in lower case.
  SHA256: ([x]) => `unhex(sha256(${x}))`,
  MD5: ([x]) => `unhex(md5(${x}))`,
  TO_HEX: ([x]) => `lower(hex(${x}))`,
  GENERATE_UUID: () => 'CAST(uuid() AS VARCHAR)',
  PERCENTILE_CONT: ([x, p]) => `quantile_cont(${x}, ${p})`,
  PERCENTILE_DISC: ([x, p]) => `quantile_disc(${x}, ${p})`,
  APPROX_QUANTILES: ([x, n]) => approxQuantiles(x, n),
  ARRAY_AGG: (args, call) => arrayAgg(args, call),
}

function approxQuantiles(x: string | undefined, n: string | undefined): string {
  const count = Number(n)
  if (!Number.isInteger(count) || count < 1)
    throw invalidQuery('APPROX_QUANTILES needs a constant number of quantiles on the local BigQuery endpoint')
  const points = Array.from({ length: count + 1 }, (_, i) => String(i / count))
  return `quantile_disc(${x}, [${points.join(', ')}])`
}

function arrayAgg(args: string[], call: AnyNode): string {
  const fnArgs = (call.args as AnyNode | undefined)?.expr as AnyNode | undefined
  const ignoreNulls = keywordText(fnArgs?.nullHandlingKw).toUpperCase().startsWith('IGNORE')
  const orderBy = fnArgs?.orderBy ? ` ${text(fnArgs.orderBy)}` : ''
  const distinct = fnArgs?.distinctKw ? 'DISTINCT ' : ''
  const filter = ignoreNulls ? ` FILTER (WHERE (${args[0]}) IS NOT NULL)` : ''
  return `list(${distinct}${args[0]}${orderBy})${filter}`
}

/** The DuckDB form of a BigQuery function call whose arguments are already translated. */
export function rewriteCall(call: AnyNode): AnyNode {
  const name = text(call.name).toUpperCase()
  const fnArgs = (call.args as AnyNode | undefined)?.expr as AnyNode | undefined
  if (SAME.has(name)) return call
  const rewrite = REWRITES[name]
  if (!rewrite) throw invalidQuery(`Function not found: ${name} (the local BigQuery endpoint does not translate it)`)
  const items = ((fnArgs?.args as AnyNode | undefined)?.items as AnyNode[] | undefined) ?? []
  const extras = [call.filter, call.over].filter(Boolean).map((n) => ` ${text(n)}`)
  if (name !== 'ARRAY_AGG' && (fnArgs?.nullHandlingKw || fnArgs?.orderBy))
    throw invalidQuery(`${name} with IGNORE NULLS or ORDER BY is not supported by the local BigQuery endpoint`)
  return raw(`${rewrite(items.map(text), call)}${extras.join('')}`, call)
}

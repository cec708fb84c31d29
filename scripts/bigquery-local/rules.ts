import { BigQueryApiError, invalidQuery } from './errors.js'
import type { Catalog, TableMeta } from './catalog.js'
import { layoutSpec } from './catalog.js'
import type { StatementInfo, TableRef } from './analyze.js'
import type { AnyNode } from './sql-tree.js'
import { keywordText, pathOf, text } from './sql-tree.js'
import type { QueryParameter } from './translate.js'

/**
 * BigQuery's rules, each refused with BigQuery's own message:
 * - require_partition_filter: every reference needs a constant predicate on the partition column;
 * - no DDL on permanent tables inside a transaction;
 * - CREATE OR REPLACE cannot change partitioning or clustering;
 * - UPDATE/MERGE match at most one source row per target row (checked by the executor with `multiMatchSql`);
 * - parameters carry a type; labels follow the label rules.
 */
export function checkPartitionFilters(info: StatementInfo, catalog: Catalog): void {
  for (const ref of info.refs) {
    if (ref.role !== 'read' && ref.role !== 'write') continue
    if (ref.informationSchema) continue
    const meta = catalog.table(ref.dataset, ref.table)
    if (!meta?.requirePartitionFilter || !meta.partition) continue
    if (ref.filters.some((f) => prunes(f, meta.partition?.column ?? '', ref))) continue
    throw invalidQuery(
      `Cannot query over table '${catalog.project}.${ref.dataset}.${ref.table}' without a filter over column(s) '${meta.partition.column}' that can be used for partition elimination`,
    )
  }
}

const COMPARISONS = new Set(['=', '<', '>', '<=', '>=', '!=', '<>'])

/** True when `condition` holds, among its AND-ed terms, a constant predicate on `column` of this reference. */
function prunes(condition: AnyNode, column: string, ref: TableRef): boolean {
  const node = unwrap(condition)
  if (node.type === 'binary_expr') {
    const op = keywordText(node.operator).toUpperCase() || String(node.operator)
    if (op === 'AND') return prunes(node.left as AnyNode, column, ref) || prunes(node.right as AnyNode, column, ref)
    if (op === 'OR') return prunes(node.left as AnyNode, column, ref) && prunes(node.right as AnyNode, column, ref)
    if (COMPARISONS.has(op))
      return (
        (isColumn(node.left as AnyNode, column, ref) && isConstant(node.right as AnyNode)) ||
        (isColumn(node.right as AnyNode, column, ref) && isConstant(node.left as AnyNode))
      )
    // `col IS NOT NULL` (the whole table, said explicitly) qualifies: BigQuery's rule is "at least one
    // predicate that only references a partition column" (https://cloud.google.com/bigquery/docs/
    // querying-partitioned-tables#require_a_partition_filter_in_queries; an OR with another column does not).
    if (/^IS( NOT)?$/.test(op.replace(/\s+/g, ' ')))
      return isColumn(node.left as AnyNode, column, ref) && unwrap(node.right as AnyNode).type === 'null_literal'
    if (op === 'IN') return isColumn(node.left as AnyNode, column, ref) && isConstant(node.right as AnyNode)
  }
  if (node.type === 'between_expr')
    return (
      isColumn(node.left as AnyNode, column, ref) &&
      isConstant(node.begin as AnyNode) &&
      isConstant(node.end as AnyNode)
    )
  return false
}

function unwrap(node: AnyNode): AnyNode {
  return node.type === 'paren_expr' ? unwrap(node.expr as AnyNode) : node
}

/** `col`, `alias.col`, `DATE(col)` or `CAST(col AS DATE)` for this reference's partition column. */
function isColumn(node: AnyNode, column: string, ref: TableRef): boolean {
  const n = unwrap(node)
  if (n.type === 'cast_expr') return isColumn(((n.args as AnyNode).expr as AnyNode).expr as AnyNode, column, ref)
  if (n.type === 'func_call' && /^(DATE|TIMESTAMP_TRUNC|DATE_TRUNC)$/i.test(text(n.name))) {
    const first = (((((n.args as AnyNode).expr as AnyNode).args as AnyNode).items as AnyNode[]) ?? [])[0]
    return first ? isColumn(first, column, ref) : false
  }
  const parts = pathOf(n)
  if (!parts || parts.at(-1)?.toLowerCase() !== column.toLowerCase()) return false
  if (parts.length === 1) return true
  const qualifier = parts.slice(0, -1).join('.').toLowerCase()
  return qualifier === (ref.alias ?? ref.table).toLowerCase() || qualifier.endsWith(`${ref.dataset}.${ref.table}`)
}

const LITERALS = /_literal$/
const DATE_PARTS = new Set([
  'YEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'MICROSECOND',
])

/** No column, no subquery: literals, parameters, and functions or casts of them. */
function isConstant(node: AnyNode): boolean {
  const n = unwrap(node)
  if (LITERALS.test(n.type) || n.type === 'parameter') return true
  if (n.type === 'cast_expr') return isConstant(((n.args as AnyNode).expr as AnyNode).expr as AnyNode)
  if (n.type === 'func_call') {
    const items = ((((n.args as AnyNode | undefined)?.expr as AnyNode | undefined)?.args as AnyNode | undefined)
      ?.items ?? []) as AnyNode[]
    return !n.over && items.every((a) => isConstant(a) || DATE_PARTS.has(text(a).toUpperCase()))
  }
  if (n.type === 'binary_expr') return isConstant(n.left as AnyNode) && isConstant(n.right as AnyNode)
  if (n.type === 'prefix_op_expr') return isConstant(n.expr as AnyNode)
  if (n.type === 'list_expr') return ((n.items as AnyNode[]) ?? []).every(isConstant)
  return false
}

const DDL_KINDS = new Set([
  'create_table',
  'create_view',
  'drop_table',
  'drop_view',
  'create_schema',
  'drop_schema',
  'alter_table',
])

export function checkDdlInTransaction(info: StatementInfo, inTransaction: boolean): void {
  if (!inTransaction || !DDL_KINDS.has(info.kind) || info.temporary) return
  throw invalidQuery(
    `DDL statements are not supported in a transaction, except for those creating or droping temporary tables or temporary functions. at [${info.position}]`,
  )
}

export function checkReplaceLayout(info: StatementInfo, existing: TableMeta | undefined): void {
  if (!existing || info.kind !== 'create_table' || !info.orReplace) return
  const next = layoutSpec(info.layout)
  const current = layoutSpec(existing)
  if (next === current) return
  throw new BigQueryApiError(
    'invalid',
    `Cannot replace a table with a different partitioning spec. Instead, DROP the table, and then recreate it. New partitioning spec is ${next} and existing spec is ${current}`,
  )
}

export const MULTI_MATCH_MESSAGE = 'UPDATE/MERGE must match at most one source row for each target row'

/** Parameters must carry a type, a NULL included (BigQuery cannot infer one). */
export function checkParameters(params: readonly QueryParameter[] | undefined, mode: string | undefined): void {
  for (const p of params ?? []) {
    if (!p.parameterType?.type)
      throw invalidQuery(`Query parameter '${p.name ?? ''}' has no type; a NULL parameter needs an explicit type`)
    if (mode !== 'POSITIONAL' && !p.name) throw invalidQuery('Named query parameters need a name')
  }
}

const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u

export function checkLabels(labels: Record<string, unknown> | undefined): void {
  const entries = Object.entries(labels ?? {})
  if (entries.length > 64) throw new BigQueryApiError('invalid', `Too many labels: ${entries.length}; at most 64`)
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key)) throw new BigQueryApiError('invalid', `Label key "${key}" has invalid characters.`)
    if (typeof value !== 'string' || !LABEL_VALUE.test(value))
      throw new BigQueryApiError('invalid', `Label value "${String(value)}" has invalid characters.`)
  }
}

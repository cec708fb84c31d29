import { invalidQuery } from './errors.js'
import { intervalText, rewriteCall } from './functions.js'
import type { Catalog } from './catalog.js'
import type { AnyNode } from './sql-tree.js'
import { keywordText, pathOf, raw, show, text, transform } from './sql-tree.js'
import type { StatementInfo } from './analyze.js'
import type { ParameterType } from './types.js'
import { duckParameterType, duckScalarType, quoteDuck } from './types.js'

/** A named query parameter as jobs.insert carries it. */
export interface QueryParameter {
  readonly name: string
  readonly parameterType: ParameterType
  readonly parameterValue?: ParameterValue
}

export interface ParameterValue {
  value?: string | number | boolean | null
  arrayValues?: ParameterValue[]
  structValues?: Record<string, ParameterValue>
}

export interface TranslateContext {
  readonly catalog: Catalog
  /** Parameters by lower-case name. */
  readonly params: ReadonlyMap<string, QueryParameter>
  /** DuckDB SQL for each `dataset:VIEW` INFORMATION_SCHEMA reference, built beforehand from the catalog. */
  readonly informationSchema: ReadonlyMap<string, string>
}

/** BigQuery statement (its CST, which is consumed) → DuckDB statements. */
export function translateStatement(info: StatementInfo, ctx: TranslateContext): string[] {
  const node = structuredClone(info.node)
  const tableNodes = new Set<AnyNode>()
  for (const ref of info.refs) tableNodes.add(ref.node)
  const clonedRefs = collectClones(info.node, node, tableNodes, (n) => tableText(n, ctx))
  const before = (n: AnyNode): AnyNode | undefined => {
    const ref = clonedRefs.get(n)
    if (ref) return raw(ref, n)
    if (n.type === 'alias' && (n.expr as AnyNode).type === 'unnest_expr') return unnestAlias(n, ctx, clonedRefs)
    return undefined
  }
  const rewritten = transform(node, (n) => rewriteNode(n, ctx), before)
  return statementSql(rewritten, info)
}

/** Maps each table-name node of the clone to its DuckDB name (the clone mirrors the original's shape). */
function collectClones(
  original: AnyNode,
  clone: AnyNode,
  tables: Set<AnyNode>,
  name: (node: AnyNode) => string,
): Map<AnyNode, string> {
  const out = new Map<AnyNode, string>()
  const walk = (a: unknown, b: unknown): void => {
    if (typeof a !== 'object' || a === null) return
    if (tables.has(a as AnyNode)) out.set(b as AnyNode, name(a as AnyNode))
    for (const key of Object.keys(a)) {
      if (key === 'leading' || key === 'trailing' || key === 'range') continue
      walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])
    }
  }
  walk(original, clone)
  return out
}

function tableText(node: AnyNode, ctx: TranslateContext): string {
  const parts = pathOf(node) ?? []
  const i = parts.findIndex((p) => p.toUpperCase() === 'INFORMATION_SCHEMA')
  if (i < 0) return parts.slice(-2).map(quoteDuck).join('.')
  const view = (parts[i + 1] ?? '').toUpperCase()
  const sql = ctx.informationSchema.get(`${parts[i - 1] ?? ''}:${view}`)
  if (!sql) throw invalidQuery(`INFORMATION_SCHEMA.${view} is not supported by the local BigQuery endpoint`)
  return `(${sql})`
}

function unnestAlias(node: AnyNode, ctx: TranslateContext, refs: Map<AnyNode, string>): AnyNode {
  const unnest = node.expr as AnyNode
  const inner = transform(
    (unnest.expr as AnyNode).expr as AnyNode,
    (n) => rewriteNode(n, ctx),
    (n) => {
      const ref = refs.get(n)
      return ref ? raw(ref, n) : undefined
    },
  )
  const alias = quoteDuck(pathOf(node.alias as AnyNode)?.join('.') ?? 'f0_')
  return raw(`(SELECT UNNEST(${text(inner)}) AS ${alias}) AS ${alias}`, node)
}

function rewriteNode(node: AnyNode, ctx: TranslateContext): AnyNode {
  switch (node.type) {
    case 'identifier':
      return rewriteIdentifier(node)
    case 'parameter':
      return raw(parameterSql(String(node.text).slice(1), ctx), node)
    case 'string_literal':
      return raw(stringSql(String(node.value)), node)
    case 'number_literal':
      // BigQuery types 1.5 as FLOAT64; DuckDB would make it a DECIMAL.
      return /^[0-9]*\.[0-9]*$/.test(String(node.text)) ? raw(`${String(node.text)}e0`, node) : node
    case 'timestamp_literal':
      return raw(`CAST(CAST(${text(node.string)} AS TIMESTAMPTZ) AS TIMESTAMP)`, node)
    case 'numeric_literal':
    case 'bignumeric_literal':
      return raw(`CAST(${text(node.string)} AS DECIMAL(38,9))`, node)
    case 'json_literal':
      return raw(`CAST(${text(node.string)} AS JSON)`, node)
    case 'data_type_name':
    case 'parametric_data_type':
    case 'modified_data_type':
      return raw(dataTypeSql(node), node)
    case 'cast_expr':
      return rewriteCast(node)
    case 'func_call':
      return rewriteCall(node)
    case 'interval_literal':
      return raw(intervalText(text(node.value), keywordText((node.unit as AnyNode).unitKw)), node)
    case 'member_expr':
      return (node.property as AnyNode).type === 'array_subscript' ? rewriteSubscript(node) : node
    case 'extract_expr':
      return rewriteExtract(node)
    case 'typed_expr':
      return rewriteTypedExpr(node)
    case 'except_columns':
      return raw(`${text(node.expr)} EXCLUDE ${text(node.columns)}`, node)
    default:
      return node
  }
}

function rewriteIdentifier(node: AnyNode): AnyNode {
  const value = String(node.text)
  if (!value.startsWith('`')) return node
  return raw(quoteDuck(value.slice(1, -1)), node)
}

export function stringSql(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

function parameterSql(name: string, ctx: TranslateContext): string {
  const param = ctx.params.get(name.toLowerCase())
  if (!param) throw invalidQuery(`Query parameter '${name}' not found`)
  return valueSql(param.parameterType, param.parameterValue)
}

function valueSql(type: ParameterType, value: ParameterValue | undefined): string {
  const duckType = duckParameterType(type)
  if (type.type === 'ARRAY') {
    const items = (value?.arrayValues ?? []).map((v) => valueSql(type.arrayType ?? { type: 'STRING' }, v))
    return `CAST([${items.join(', ')}] AS ${duckType})`
  }
  if (type.type === 'STRUCT') {
    const fields = (type.structTypes ?? []).map(
      (f) => `${quoteDuck(f.name ?? '')} := ${valueSql(f.type, value?.structValues?.[f.name ?? ''])}`,
    )
    return `struct_pack(${fields.join(', ')})`
  }
  const scalar = value?.value
  if (scalar === undefined || scalar === null) return `CAST(NULL AS ${duckType})`
  // The client sends numbers and booleans as JSON values, not as the strings the REST reference shows.
  if (typeof scalar !== 'string') return `CAST(${stringSql(String(scalar))} AS ${duckType})`
  if (type.type === 'TIMESTAMP') return `CAST(CAST(${stringSql(scalar)} AS TIMESTAMPTZ) AS TIMESTAMP)`
  return `CAST(${stringSql(scalar)} AS ${duckType})`
}

function dataTypeSql(node: AnyNode): string {
  if (node.type === 'data_type_name') return duckScalarType(text(node))
  if (node.type === 'modified_data_type') {
    const base = text(node.dataType).toUpperCase()
    if (base.startsWith('DECIMAL')) return `DECIMAL${text(node.modifiers).replace(/\s+/g, '')}`
    return base
  }
  const kind = keywordText(node.typeKw).toUpperCase()
  const params = (((node.params as AnyNode | undefined)?.params as AnyNode | undefined)?.items ?? []) as AnyNode[]
  if (kind === 'ARRAY') return `${text((params[0] as AnyNode | undefined)?.dataType)}[]`
  if (kind === 'STRUCT')
    return `STRUCT(${params.map((p) => `${quoteDuck(text(p.name).replace(/^"|"$/g, ''))} ${text(p.dataType)}`).join(', ')})`
  throw invalidQuery(`Type ${kind} is not supported by the local BigQuery endpoint`)
}

function rewriteCast(node: AnyNode): AnyNode {
  const arg = (node.args as AnyNode).expr as AnyNode
  const kw = keywordText(node.castKw).toUpperCase() === 'SAFE_CAST' ? 'TRY_CAST' : 'CAST'
  if (arg.format) throw invalidQuery('CAST with FORMAT is not supported by the local BigQuery endpoint')
  return raw(`${kw}(${text(arg.expr)} AS ${text(arg.dataType)})`, node)
}

function rewriteSubscript(node: AnyNode): AnyNode {
  const subscript = (node.property as AnyNode).expr as AnyNode
  const base = text(node.object)
  if (subscript.type !== 'array_subscript_specifier') return raw(`${base}[(${text(subscript)}) + 1]`, node)
  const kind = keywordText(subscript.specifierKw).toUpperCase()
  const index = text((subscript.args as AnyNode).expr)
  // DuckDB lists are 1-based and out-of-range reads give NULL, as SAFE_OFFSET does.
  return raw(kind.endsWith('ORDINAL') ? `${base}[${index}]` : `${base}[(${index}) + 1]`, node)
}

function rewriteExtract(node: AnyNode): AnyNode {
  const from = (node.args as AnyNode).expr as AnyNode
  const unit = keywordText((from.unit as AnyNode).unitKw ?? from.unit).toUpperCase()
  const expr = text(from.expr)
  if (unit === 'DAYOFWEEK') return raw(`(EXTRACT(DOW FROM ${expr}) + 1)`, node)
  if (unit === 'DAYOFYEAR') return raw(`EXTRACT(DOY FROM ${expr})`, node)
  if (unit === 'DATE') return raw(`CAST(${expr} AS DATE)`, node)
  return raw(`EXTRACT(${unit} FROM ${expr})`, node)
}

function rewriteTypedExpr(node: AnyNode): AnyNode {
  const inner = node.expr as AnyNode
  const typeText = text(node.dataType)
  if (inner.type === 'struct_expr') {
    const items = ((inner.expr as AnyNode).items as AnyNode[]).map((item, i) =>
      item.type === 'alias'
        ? `${quoteDuck(text(item.alias).replace(/^"|"$/g, ''))} := ${text(item.expr)}`
        : `${quoteDuck(`_field_${i + 1}`)} := ${text(item)}`,
    )
    const value = `struct_pack(${items.join(', ')})`
    // A bare STRUCT(...) (no field types) arrives as `STRUCT` or, once its type was translated, `STRUCT()`.
    const bare = /^STRUCT\s*(\(\s*\))?$/i.test(typeText.trim())
    return raw(bare ? value : `CAST(${value} AS ${typeText})`, node)
  }
  return raw(`CAST(${text(inner)} AS ${typeText})`, node)
}

const METADATA_CLAUSES = new Set(['partition_by_clause', 'cluster_by_clause', 'bigquery_options'])

/** Statement-level changes: BigQuery-only clauses dropped (kept as catalog metadata), ALTERs split. */
function statementSql(node: AnyNode, info: StatementInfo): string[] {
  switch (info.kind) {
    case 'begin':
      return ['BEGIN TRANSACTION']
    case 'commit':
      return ['COMMIT']
    case 'rollback':
      return ['ROLLBACK']
    case 'create_schema':
      return [`CREATE SCHEMA IF NOT EXISTS ${quoteDuck(info.schema ?? '')}`]
    case 'drop_schema':
      return [
        `DROP SCHEMA IF EXISTS ${quoteDuck(info.schema ?? '')}${/CASCADE/i.test(keywordText(node.behaviorKw)) ? ' CASCADE' : ''}`,
      ]
    case 'create_table':
    case 'create_view':
      node.clauses = ((node.clauses as AnyNode[] | undefined) ?? []).filter((c) => !METADATA_CLAUSES.has(c.type))
      return [text(node)]
    case 'alter_table':
      return alterSql(node)
    default:
      return [text(node)]
  }
}

function alterSql(node: AnyNode): string[] {
  const table = text(node.table)
  const actions = ((node.actions as AnyNode).items as AnyNode[]) ?? []
  return actions
    .filter((a) => a.type !== 'alter_action_set_bigquery_options')
    .map((a) => `ALTER TABLE ${table} ${show(a as never).trim()}`)
}

/** One BigQuery expression (an OPTIONS value, say) → DuckDB. */
export function translateExpression(node: AnyNode, ctx: TranslateContext): string {
  return text(transform(structuredClone(node), (n) => rewriteNode(n, ctx)))
}

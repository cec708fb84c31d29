import { invalidQuery } from './errors.js'
import type { PartitionSpec } from './catalog.js'
import type { AnyNode } from './sql-tree.js'
import { descendants, isNode, keywordText, pathOf, positionOf, text } from './sql-tree.js'

export type StatementKind =
  | 'query'
  | 'insert'
  | 'update'
  | 'delete'
  | 'merge'
  | 'create_table'
  | 'create_view'
  | 'drop_table'
  | 'drop_view'
  | 'create_schema'
  | 'drop_schema'
  | 'alter_table'
  | 'truncate'
  | 'begin'
  | 'commit'
  | 'rollback'

const KINDS: Record<string, StatementKind> = {
  select_stmt: 'query',
  compound_select_stmt: 'query',
  insert_stmt: 'insert',
  update_stmt: 'update',
  delete_stmt: 'delete',
  merge_stmt: 'merge',
  create_table_stmt: 'create_table',
  create_view_stmt: 'create_view',
  drop_table_stmt: 'drop_table',
  drop_view_stmt: 'drop_view',
  create_schema_stmt: 'create_schema',
  drop_schema_stmt: 'drop_schema',
  alter_table_stmt: 'alter_table',
  truncate_stmt: 'truncate',
  start_transaction_stmt: 'begin',
  commit_transaction_stmt: 'commit',
  rollback_transaction_stmt: 'rollback',
}

/** How a statement uses a table: reads it, writes rows into it, creates, alters (metadata only) or drops it. */
export type TableRole = 'read' | 'write' | 'insert' | 'create' | 'alter' | 'drop'

export interface TableRef {
  readonly node: AnyNode
  readonly dataset: string
  readonly table: string
  readonly alias?: string
  readonly role: TableRole
  /** Set for `dataset.INFORMATION_SCHEMA.VIEW`: the view's name. */
  readonly informationSchema?: string
  /** Conditions whose constant predicates can prune this reference's partitions. */
  readonly filters: readonly AnyNode[]
}

export interface Layout {
  readonly partition?: PartitionSpec
  readonly clustering?: readonly string[]
  /** OPTIONS(...) entries by lower-case name, as CST values (evaluated by the executor). */
  readonly options: ReadonlyMap<string, AnyNode>
}

export interface StatementInfo {
  readonly node: AnyNode
  readonly kind: StatementKind
  readonly refs: readonly TableRef[]
  /** The dataset a CREATE/DROP SCHEMA names. */
  readonly schema?: string
  readonly temporary: boolean
  readonly orReplace: boolean
  readonly ifNotExists: boolean
  readonly ifExists: boolean
  readonly hasQuery: boolean
  readonly layout: Layout
  /** "line:column" of the statement, for BigQuery's `at [l:c]`. */
  readonly position: string
}

/** What a statement does and which tables it touches; `localNames` are temp tables the script made. */
export function analyzeStatement(node: AnyNode, sql: string, localNames: ReadonlySet<string>): StatementInfo {
  const kind = KINDS[node.type]
  if (!kind) throw invalidQuery(`Statement ${node.type} is not supported by the local BigQuery endpoint`)
  const parents = parentMap(node)
  const ctes = new Set(
    descendants(node)
      .filter((n) => n.type === 'common_table_expr')
      .map((n) => text(n.table).toLowerCase()),
  )
  const local = (name: string) => ctes.has(name.toLowerCase()) || localNames.has(name.toLowerCase())
  const refs = findRefs(node, parents, local)
  const schemaNode =
    node.type === 'create_schema_stmt'
      ? (node.name as AnyNode)
      : node.type === 'drop_schema_stmt'
        ? ((node.schemas as AnyNode).items as AnyNode[])[0]
        : undefined
  return {
    node,
    kind,
    refs,
    ...(schemaNode ? { schema: pathOf(schemaNode)?.at(-1) ?? '' } : {}),
    temporary: /TEMP/i.test(keywordText((node.kind as AnyNode | undefined)?.kindKw)),
    orReplace: Boolean(node.orReplaceKw),
    ifNotExists: Boolean(node.ifNotExistsKw),
    ifExists: Boolean(node.ifExistsKw),
    hasQuery: ((node.clauses as AnyNode[] | undefined) ?? []).some((c) => c.type === 'as_clause'),
    layout: layoutOf(node),
    position: positionOf(sql, node),
  }
}

function parentMap(root: AnyNode): Map<AnyNode, AnyNode> {
  const parents = new Map<AnyNode, AnyNode>()
  for (const n of descendants(root)) {
    for (const value of Object.values(n)) {
      if (Array.isArray(value)) for (const item of value) if (isNode(item)) parents.set(item, n)
      if (isNode(value)) parents.set(value, n)
    }
  }
  return parents
}

const NAME_TYPES = new Set(['identifier', 'member_expr', 'bigquery_quoted_member_expr'])

function findRefs(root: AnyNode, parents: Map<AnyNode, AnyNode>, isLocal: (name: string) => boolean): TableRef[] {
  const out: TableRef[] = []
  const add = (item: AnyNode | undefined, role: TableRole, owner: AnyNode): void => {
    if (!item) return
    const aliased = item.type === 'alias'
    const nameNode = aliased ? (item.expr as AnyNode) : item
    if (!NAME_TYPES.has(nameNode.type)) return
    const parts = pathOf(nameNode)
    if (!parts || (parts.length === 1 && isLocal(parts[0] ?? ''))) return
    const ref = toRef(parts, nameNode, role, aliased ? text(item.alias) : undefined, owner, parents)
    out.push(ref)
  }
  const fromItems = (expr: AnyNode | undefined, role: TableRole, owner: AnyNode): void => {
    if (!expr) return
    if (expr.type === 'join_expr') {
      fromItems(expr.left as AnyNode, role, owner)
      fromItems(expr.right as AnyNode, role, owner)
    } else if (expr.type === 'paren_expr' && (expr.expr as AnyNode).type === 'join_expr') {
      fromItems(expr.expr as AnyNode, role, owner)
    } else add(expr, role, owner)
  }
  for (const n of descendants(root)) {
    const items = (list: unknown) => ((list as AnyNode | undefined)?.items as AnyNode[] | undefined) ?? []
    if (n.type === 'from_clause') fromItems(n.expr as AnyNode, 'read', n)
    else if (n.type === 'insert_clause') add(n.table as AnyNode, 'insert', n)
    else if (n.type === 'update_clause') for (const t of items(n.tables)) add(t, 'write', n)
    else if (n.type === 'delete_clause') for (const t of items(n.tables)) add(t, 'write', n)
    else if (n.type === 'merge_clause') {
      add(n.target as AnyNode, 'write', n)
      fromItems(n.source as AnyNode, 'read', n)
    } else if (n.type === 'create_table_stmt' || n.type === 'create_view_stmt') add(n.name as AnyNode, 'create', n)
    else if (n.type === 'drop_table_stmt' || n.type === 'drop_view_stmt')
      for (const t of items(n.tables ?? n.views)) add(t, 'drop', n)
    // ALTER TABLE changes metadata and reads no partition: no partition filter, no bytes.
    else if (n.type === 'alter_table_stmt') add(n.table as AnyNode, 'alter', n)
    else if (n.type === 'truncate_stmt') for (const t of items(n.tables)) add(t, 'write', n)
  }
  return out
}

function toRef(
  parts: string[],
  node: AnyNode,
  role: TableRole,
  alias: string | undefined,
  site: AnyNode,
  parents: Map<AnyNode, AnyNode>,
): TableRef {
  const schemaAt = parts.findIndex((p) => p.toUpperCase() === 'INFORMATION_SCHEMA')
  if (schemaAt >= 0) {
    if (schemaAt === 0)
      throw invalidQuery('Project-scoped INFORMATION_SCHEMA is not supported by the local BigQuery endpoint')
    const view = (parts[schemaAt + 1] ?? '').toUpperCase()
    return { node, dataset: parts[schemaAt - 1] ?? '', table: '', role, informationSchema: view, filters: [] }
  }
  if (parts.length < 2)
    throw invalidQuery(
      `Table name "${parts.join('.')}" missing dataset while no default dataset is set in the request.`,
    )
  const [dataset = '', table = ''] = parts.slice(-2)
  return { node, dataset, table, ...(alias ? { alias } : {}), role, filters: filtersFor(site, parents) }
}

/** The WHERE / ON conditions that apply to a table reference made at `site`. */
function filtersFor(site: AnyNode, parents: Map<AnyNode, AnyNode>): AnyNode[] {
  if (site.type === 'merge_clause') return [site.condition as AnyNode]
  const owner = site.type === 'from_clause' ? parents.get(site) : parents.get(site)
  if (!owner) return []
  const clauses = (owner.clauses as AnyNode[] | undefined) ?? []
  const where = clauses.filter((c) => c.type === 'where_clause').map((c) => c.expr as AnyNode)
  if (owner.type === 'merge_clause') return [owner.condition as AnyNode]
  const from = clauses.find((c) => c.type === 'from_clause')
  const joins = from
    ? descendants(from, (n) => n.type === 'select_stmt')
        .filter((n) => n.type === 'join_on_specification')
        .map((n) => n.expr as AnyNode)
    : []
  return [...where, ...joins]
}

function layoutOf(node: AnyNode): Layout {
  const clauses = (node.clauses as AnyNode[] | undefined) ?? []
  const partitionClause = clauses.find((c) => c.type === 'partition_by_clause')
  const clusterClause = clauses.find((c) => c.type === 'cluster_by_clause')
  const optionsClause = clauses.find((c) => c.type === 'bigquery_options')
  const options = new Map<string, AnyNode>()
  const entries = ((optionsClause?.options as AnyNode | undefined)?.expr as AnyNode | undefined)?.items as
    AnyNode[] | undefined
  for (const entry of entries ?? []) options.set(text(entry.left).toLowerCase(), entry.right as AnyNode)
  const spec = ((partitionClause?.specifications as AnyNode | undefined)?.items as AnyNode[] | undefined)?.[0]
  return {
    ...(spec ? { partition: partitionSpec(spec) } : {}),
    ...(clusterClause
      ? { clustering: ((clusterClause.columns as AnyNode).items as AnyNode[]).map((c) => pathOf(c)?.at(-1) ?? '') }
      : {}),
    options,
  }
}

function partitionSpec(spec: AnyNode): PartitionSpec {
  if (spec.type === 'func_call') {
    const first = ((((spec.args as AnyNode).expr as AnyNode).args as AnyNode).items as AnyNode[])[0]
    const column = first ? pathOf(first)?.at(-1) : undefined
    if (column) return { column, expr: text(spec) }
  }
  const column = pathOf(spec)?.at(-1)
  if (!column) throw invalidQuery(`PARTITION BY ${text(spec)} is not supported by the local BigQuery endpoint`)
  return { column, expr: column }
}

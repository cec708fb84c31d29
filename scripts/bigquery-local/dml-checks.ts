import type { StatementInfo } from './analyze.js'
import type { AnyNode } from './sql-tree.js'
import { keywordText, text } from './sql-tree.js'

/**
 * A BigQuery query that returns a row when an UPDATE … FROM or a MERGE with WHEN MATCHED would match a
 * target row with more than one source row (BigQuery refuses such a statement; DuckDB would not).
 * `rowid` is DuckDB's row identifier; the query is translated like any other statement.
 */
export function multiMatchQuery(info: StatementInfo): string | undefined {
  if (info.kind === 'merge') return mergeCheck(info)
  if (info.kind === 'update') return updateCheck(info)
  return undefined
}

function qualifierOf(info: StatementInfo): string | undefined {
  const target = info.refs.find((r) => r.role === 'write')
  if (!target) return undefined
  return target.alias ?? target.table
}

function mergeCheck(info: StatementInfo): string | undefined {
  const clauses = (info.node.clauses as AnyNode[] | undefined) ?? []
  const merge = clauses.find((c) => c.type === 'merge_clause')
  const matched = clauses.some(
    (c) => c.type === 'merge_when_clause' && keywordText(c.matchedKw).toUpperCase() === 'MATCHED',
  )
  const qualifier = qualifierOf(info)
  if (!merge || !matched || !qualifier) return undefined
  return `SELECT 1 FROM ${text(merge.target)} JOIN ${text(merge.source)} ON ${text(merge.condition)} GROUP BY ${qualifier}.rowid HAVING COUNT(*) > 1 LIMIT 1`
}

function updateCheck(info: StatementInfo): string | undefined {
  const clauses = (info.node.clauses as AnyNode[] | undefined) ?? []
  const update = clauses.find((c) => c.type === 'update_clause')
  const from = clauses.find((c) => c.type === 'from_clause')
  const where = clauses.find((c) => c.type === 'where_clause')
  const qualifier = qualifierOf(info)
  if (!update || !from || !qualifier) return undefined
  const target = text(((update.tables as AnyNode).items as AnyNode[])[0])
  return `SELECT 1 FROM ${target}, ${text(from.expr)} ${where ? text(where) : ''} GROUP BY ${qualifier}.rowid HAVING COUNT(*) > 1 LIMIT 1`
}

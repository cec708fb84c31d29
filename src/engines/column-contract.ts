import type { ColumnSpec } from './dialect.js'
import type { LiveColumn } from './adapter.js'
import { formatBigQueryType, parseColumnType } from './column-types.js'

const NUMERIC = /^(INT64|FLOAT64|NUMERIC|BIGNUMERIC)/

function normalizeType(type: string): string {
  try {
    return formatBigQueryType(parseColumnType(type))
  } catch {
    return type.toUpperCase()
  }
}

/** Types a write can cast between without losing meaning: equal, or both numeric, or an untyped NULL column. */
export function typesCompatible(live: string, declared: string): boolean {
  const a = normalizeType(live)
  const b = normalizeType(declared)
  if (a === b || a === '"NULL"' || a === 'NULL') return true
  return NUMERIC.test(a) && NUMERIC.test(b)
}

/** Differences between produced (or live) columns and a contract, one readable line each. */
export function compareColumns(
  actual: readonly LiveColumn[],
  contract: readonly ColumnSpec[],
  options: { strictTypes?: boolean } = {},
): string[] {
  const problems: string[] = []
  const byName = new Map(actual.map((c) => [c.name, c]))
  const declared = new Set(contract.map((c) => c.name))
  for (const column of contract) {
    const live = byName.get(column.name)
    if (!live) {
      problems.push(`missing column "${column.name}" (${column.type})`)
      continue
    }
    const ok = options.strictTypes
      ? normalizeType(live.type) === normalizeType(column.type)
      : typesCompatible(live.type, column.type)
    if (!ok) problems.push(`column "${column.name}" is ${live.type}, contract says ${normalizeType(column.type)}`)
  }
  for (const column of actual)
    if (!declared.has(column.name)) problems.push(`extra column "${column.name}" (${column.type}) not in the contract`)
  return problems
}

import type { CompileIssue } from '../core/errors.js'
import { ColumnTypeError, parseColumnType } from '../engines/column-types.js'
import type { ColumnSpec } from '../engines/dialect.js'
import type { LoadedDefinition } from './load.js'

/**
 * Check every `columns` contract at compile time: each type must be a type the engines know
 * (BigQuery spelling, parsed by engines/column-types), each column named once. A misspelt type
 * (`INTT64`) is reported here with file, action and a did-you-mean instead of failing at run time.
 */
export function validateColumns(loaded: readonly LoadedDefinition[]): CompileIssue[] {
  const issues: CompileIssue[] = []
  for (const { definition, file } of loaded) {
    if (definition.kind === 'invalid' || definition.disabled || !('columns' in definition)) continue
    issues.push(...contractIssues(definition.columns ?? [], { file, action: definition.name }))
  }
  return issues
}

function contractIssues(
  columns: readonly ColumnSpec[],
  where: { readonly file: string; readonly action: string },
): CompileIssue[] {
  const issues: CompileIssue[] = []
  const seen = new Set<string>()
  for (const column of columns) {
    if (seen.has(column.name))
      issues.push({
        ...where,
        code: 'duplicate-column',
        message: `column "${column.name}" is declared twice in the columns contract; remove one`,
      })
    seen.add(column.name)
    const problem = columnTypeProblem(column.type)
    if (problem) issues.push({ ...where, code: problem.code, message: `column "${column.name}": ${problem.message}` })
  }
  return issues
}

function columnTypeProblem(type: string): ColumnTypeError | null {
  try {
    parseColumnType(type)
    return null
  } catch (error) {
    if (error instanceof ColumnTypeError) return error
    throw error
  }
}

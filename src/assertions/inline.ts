import { z } from 'zod'
import { nonNullCheck, uniqueKeyCheck } from './builtins-basic.js'
import type { CheckDefinition } from './types.js'

const column = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'use a snake_case column name')

/**
 * Inline assertions of an action: each key is a built-in, evaluated per partition (the action's
 * interval column unless `partition` says otherwise).
 */
export const inlineAssertionsSchema = z.strictObject({
  /** Evaluate per this column instead of the interval column; null = whole table. */
  partition: column.nullable().optional(),
  uniqueKey: z.array(column).nonempty().optional(),
  nonNull: z.array(column).nonempty().optional(),
})

export type InlineAssertions = z.input<typeof inlineAssertionsSchema>

/** Turn an action's inline assertion config into checks, in a stable order. */
export function expandInlineAssertions(config: z.output<typeof inlineAssertionsSchema>): CheckDefinition[] {
  const checks: CheckDefinition[] = []
  if (config.uniqueKey) checks.push(uniqueKeyCheck(config.uniqueKey))
  if (config.nonNull) checks.push(nonNullCheck(config.nonNull))
  return checks
}

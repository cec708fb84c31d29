import { z } from 'zod'
import { isIsoDate } from '../core/dates.js'
import { ConfigError } from '../core/errors.js'

/** Most actions `run --concurrency` builds at once (the same cap as `concurrency` in includes/project.ts). */
export const MAX_CONCURRENCY = 64

/** Longest `--wait` (seconds): a day. */
export const MAX_WAIT_SECONDS = 86_400

/** `--wait` given without a number waits this long (seconds). */
export const DEFAULT_WAIT_SECONDS = 3_600

// Names and globs of actions and tags: what an action name or a tag can hold, plus the glob characters.
const NAME = /^[A-Za-z0-9_.*?-]+$/

/**
 * A comma-separated list flag (`--actions a,b`). Absent stays undefined (the command's default); given, it
 * must name at least one item, with no empty item between commas and only name or glob characters.
 */
export function listFlag(what: string, example: string) {
  return z
    .string()
    .transform((value, ctx) => {
      const items = value.split(',').map((s) => s.trim())
      if (items.every((i) => i === '')) {
        ctx.addIssue({ code: 'custom', message: `is empty; name at least one ${what}, e.g. ${example}` })
        return z.NEVER
      }
      if (items.some((i) => i === '')) {
        ctx.addIssue({ code: 'custom', message: `has an empty ${what} between commas; remove the extra comma` })
        return z.NEVER
      }
      const bad = items.find((i) => !NAME.test(i))
      if (bad !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `"${bad}" is not a valid ${what} name or glob (letters, digits and _ . - * ? only), e.g. ${example}`,
        })
        return z.NEVER
      }
      return items
    })
    .optional()
}

/** A date flag: YYYY-MM-DD, a real calendar day. */
export const dateFlag = z
  .string()
  .refine(isIsoDate, { message: 'is not a date; use YYYY-MM-DD, e.g. 2026-01-09' })
  .optional()

/** A whole number in [min, max], given as text on the command line. */
export function intFlag(min: number, max: number, example: string) {
  const message = `is not a whole number from ${min} to ${max}; e.g. ${example}`
  return z
    .string()
    .regex(/^\s*[+-]?\d+\s*$/, { message })
    .transform(Number)
    .pipe(z.number().int().min(min, { message }).max(max, { message }))
    .optional()
}

/** A number of seconds in [0, max] (fractions allowed). */
export function secondsFlag(max: number, example: string) {
  const message = `is not a number of seconds from 0 to ${max}; e.g. ${example}`
  return z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*$/, { message })
    .transform(Number)
    .pipe(z.number().min(0, { message }).max(max, { message }))
    .optional()
}

/** A boolean switch (commander sets true when present). */
export const switchFlag = z.boolean().optional()

/** `--from`/`--to`, each a date and in order. */
export const dateRangeShape = { from: dateFlag, to: dateFlag }

/** Refine a schema with from ≤ to. */
export function inOrder<T extends { from?: string | undefined; to?: string | undefined }>(value: T): boolean {
  return !(value.from && value.to && value.from > value.to)
}

export const RANGE_ORDER_ISSUE = { message: 'is after --to; swap them (both dates are inclusive)', path: ['from'] }

/** `camelCase` option key → `--kebab-case` flag. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
}

/**
 * Parse a command's flags (as commander hands them) with its strict schema; the first problem becomes a
 * ConfigError (exit 2) naming the flag, the value given and what to write instead.
 */
export function parseFlags<S extends z.ZodType>(schema: S, flags: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(flags)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  if (issue === undefined) throw new ConfigError('invalid flags; see --help')
  const key = String(issue.path[0] ?? '')
  if (issue.code === 'unrecognized_keys')
    throw new ConfigError(`unknown flag(s) ${issue.keys.map(flagName).join(', ')}; see --help`)
  const value = flags[key]
  const shown = typeof value === 'string' ? ` "${value}"` : Array.isArray(value) ? ` "${value.join(' ')}"` : ''
  throw new ConfigError(`${key ? flagName(key) : 'flags'}${shown} ${issue.message}`)
}

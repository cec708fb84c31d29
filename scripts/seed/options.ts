/** Seed options: validation, defaults and the season window they imply. */
import { z } from 'zod'
import { seasonYearOf } from './calendar.js'
import { seedIncidentsSchema } from './incidents.js'
import type { SeedIncidents } from './incidents.js'

export interface SeedOptions {
  /** Number of seasons, ending with the season containing `through`. Default 2 (2024-25 and 2025-26). */
  readonly seasons: number
  /** PRNG seed; the same seed (and options) gives byte-identical tables. Default 42. */
  readonly seed: number
  /** Last date with final box scores, `YYYY-MM-DD`; the next game date is the scheduled slate. Default '2026-01-31'. */
  readonly through: string
  /** Damage applied after generation (DOMAIN §7 fixtures). Default none. */
  readonly incidents?: SeedIncidents
}

export const DEFAULT_SEED_OPTIONS: SeedOptions = { seasons: 2, seed: 42, through: '2026-01-31' }

const seedOptionsSchema = z.strictObject({
  seasons: z.number().int().min(1).max(10).default(DEFAULT_SEED_OPTIONS.seasons),
  seed: z
    .number()
    .int()
    .min(-(2 ** 53) + 1)
    .max(2 ** 53 - 1)
    .default(DEFAULT_SEED_OPTIONS.seed),
  through: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
    .refine((value) => !Number.isNaN(Date.parse(value)), 'not a date')
    .default(DEFAULT_SEED_OPTIONS.through),
  incidents: seedIncidentsSchema.optional(),
})

export interface ResolvedSeedOptions extends SeedOptions {
  /** Starting year of the first generated season (2024 = 2024-25). */
  readonly firstSeason: number
  /** Starting year of the season containing `through`. */
  readonly lastSeason: number
}

/** Applies defaults and validates; throws a ZodError on invalid options (a programmer error). */
export function resolveSeedOptions(options: Partial<SeedOptions>): ResolvedSeedOptions {
  const parsed = seedOptionsSchema.parse(options)
  const lastSeason = seasonYearOf(parsed.through)
  return { ...parsed, firstSeason: lastSeason - parsed.seasons + 1, lastSeason }
}

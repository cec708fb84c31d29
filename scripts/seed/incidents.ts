/**
 * Incident fixtures (DOMAIN §7): each flag damages the generated warehouse for an inclusive date range, so
 * every assertion has a failing fixture. Applied after generation; only rows dated inside the range change.
 */
import type { DuckDBConnection } from '@duckdb/node-api'
import { z } from 'zod'

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(value)), 'not a date')

export const dateRangeSchema = z
  .strictObject({ from: isoDate, to: isoDate })
  .refine((range) => range.from <= range.to, '"from" must not be after "to"')

export type DateRange = z.infer<typeof dateRangeSchema>

export const seedIncidentsSchema = z.strictObject({
  dnpAsZero: dateRangeSchema.optional(),
  usageRateMissing: dateRangeSchema.optional(),
  noProps: dateRangeSchema.optional(),
  bettingprosOnlyOtherMarkets: dateRangeSchema.optional(),
  playByPlayMissing: dateRangeSchema.optional(),
  noMinutes: dateRangeSchema.optional(),
  boxScoresRepeated: dateRangeSchema.optional(),
})

export interface SeedIncidents {
  /** I-10: DNP rows written as played zeros (points 0, minutes 0, is_dnp FALSE, no DNP reason). */
  readonly dnpAsZero?: DateRange
  /** I-3: `upcoming_player_game_context.avg_usage_rate_last_7_games` never loaded (NULL). */
  readonly usageRateMissing?: DateRange
  /** I-13: props not scraped: Odds API and BettingPros rows deleted, context lines NULL. */
  readonly noProps?: DateRange
  /** I-9 fixture: BettingPros holds only rebounds/assists markets (its points rows are deleted). */
  readonly bettingprosOnlyOtherMarkets?: DateRange
  /** I-17: play-by-play missing: shot-zone columns of player_game_summary NULL. */
  readonly playByPlayMissing?: DateRange
  /** minutes_played NULL on played rows (drives the minutes-coverage check, A-10d). */
  readonly noMinutes?: DateRange
  /** I-16: an upstream aggregation wrote every box score six times (games_in_last_7_days up to 24). */
  readonly boxScoresRepeated?: DateRange
}

export type IncidentName = keyof SeedIncidents

/** Rows changed per applied incident (statements summed). */
export type IncidentSummary = Partial<Record<IncidentName, number>>

const PGS = 'nba_analytics.player_game_summary'
const UPGC = 'nba_analytics.upcoming_player_game_context'
const ODDS = 'nba_raw.odds_api_player_points_props'
const BETTINGPROS = 'nba_raw.bettingpros_player_points_props'

function statementsFor(name: IncidentName, range: DateRange): string[] {
  const dates = `game_date BETWEEN DATE '${range.from}' AND DATE '${range.to}'`
  switch (name) {
    case 'dnpAsZero':
      return [
        `UPDATE ${PGS} SET points = 0, minutes_played = 0, is_dnp = FALSE, dnp_reason = NULL, dnp_reason_category = NULL
        WHERE is_dnp AND ${dates}`,
      ]
    case 'usageRateMissing':
      return [
        `UPDATE ${UPGC} SET avg_usage_rate_last_7_games = NULL WHERE avg_usage_rate_last_7_games IS NOT NULL AND ${dates}`,
      ]
    case 'noProps':
      return [
        `DELETE FROM ${ODDS} WHERE ${dates}`,
        `DELETE FROM ${BETTINGPROS} WHERE ${dates}`,
        `UPDATE ${UPGC} SET has_prop_line = FALSE, current_points_line = NULL, opening_points_line = NULL, line_movement = NULL
          WHERE has_prop_line AND ${dates}`,
      ]
    case 'bettingprosOnlyOtherMarkets':
      return [`DELETE FROM ${BETTINGPROS} WHERE market_type = 'points' AND ${dates}`]
    case 'playByPlayMissing':
      return [
        `UPDATE ${PGS} SET fg_attempts = NULL, paint_attempts = NULL, mid_range_attempts = NULL, three_pt_attempts = NULL
        WHERE NOT is_dnp AND ${dates}`,
      ]
    case 'noMinutes':
      return [`UPDATE ${PGS} SET minutes_played = NULL WHERE NOT is_dnp AND ${dates}`]
    case 'boxScoresRepeated':
      return [`INSERT INTO ${PGS} SELECT p.* FROM ${PGS} p CROSS JOIN range(5) AS copies WHERE ${dates}`]
  }
}

/** Fixed application order, so overlapping incidents compose the same way every time. */
const INCIDENT_ORDER: readonly IncidentName[] = [
  'dnpAsZero',
  'noMinutes',
  'boxScoresRepeated',
  'playByPlayMissing',
  'usageRateMissing',
  'noProps',
  'bettingprosOnlyOtherMarkets',
]

/** Applies the given incidents to the seeded tables; returns the rows changed per incident. */
export async function applyIncidents(connection: DuckDBConnection, incidents: SeedIncidents): Promise<IncidentSummary> {
  const parsed = seedIncidentsSchema.parse(incidents)
  const summary: IncidentSummary = {}
  for (const name of INCIDENT_ORDER) {
    const range = parsed[name]
    if (range === undefined) continue
    let changed = 0
    for (const statement of statementsFor(name, range)) {
      const result = await connection.run(statement)
      changed += result.rowsChanged
    }
    summary[name] = changed
  }
  return summary
}

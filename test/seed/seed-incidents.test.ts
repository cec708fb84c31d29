import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { applyIncidents } from '../../scripts/seed/index.js'
import type { SeedIncidents } from '../../scripts/seed/index.js'
import { checksums, expectBetween, numbers, seedInMemory } from './support.js'
import type { SeededDb } from './support.js'

// Small worlds: one season (2024-25) through mid-December.
const SMALL = { seasons: 1, through: '2024-12-10' }
const INCIDENTS: Required<SeedIncidents> = {
  dnpAsZero: { from: '2024-11-20', to: '2024-11-21' },
  usageRateMissing: { from: '2024-11-23', to: '2024-11-24' },
  noProps: { from: '2024-11-26', to: '2024-11-27' },
  bettingprosOnlyOtherMarkets: { from: '2024-11-29', to: '2024-11-30' },
  playByPlayMissing: { from: '2024-12-02', to: '2024-12-03' },
  noMinutes: { from: '2024-12-05', to: '2024-12-06' },
  boxScoresRepeated: { from: '2024-12-08', to: '2024-12-08' },
}
const inRange = (name: keyof SeedIncidents) =>
  `game_date BETWEEN DATE '${INCIDENTS[name].from}' AND DATE '${INCIDENTS[name].to}'`
const ANY_INCIDENT = Object.keys(INCIDENTS)
  .map((name) => inRange(name as keyof SeedIncidents))
  .join(' OR ')

let clean: SeededDb
let damaged: SeededDb

beforeAll(async () => {
  clean = await seedInMemory({ ...SMALL, seed: 42 })
  damaged = await seedInMemory({ ...SMALL, seed: 42, incidents: INCIDENTS })
}, 60_000)
afterAll(() => {
  clean?.close()
  damaged?.close()
})

/** A database for one test, closed when the test ends. */
async function seededForTest(...args: Parameters<typeof seedInMemory>): Promise<SeededDb> {
  const db = await seedInMemory(...args)
  onTestFinished(() => db.close())
  return db
}

describe('determinism', () => {
  it('gives identical tables for the same seed in a separate database on another thread count', async () => {
    const threadsOf = async (db: SeededDb) =>
      Number((await db.connection.runAndReadAll(`SELECT current_setting('threads') AS n`)).getRowObjectsJS()[0]?.n)
    const other = (await threadsOf(clean)) === 1 ? 4 : 1
    const again = await seededForTest({ ...SMALL, seed: 42 }, other)
    expect(await threadsOf(again)).toBe(other)
    expect(await checksums(again.connection)).toEqual(await checksums(clean.connection))
  })

  it('gives different tables for a different seed', async () => {
    const other = await checksums((await seededForTest({ ...SMALL, seed: 43 })).connection)
    const base = await checksums(clean.connection)
    for (const [table, checksum] of Object.entries(base)) expect(other[table], table).not.toBe(checksum)
  })

  it('keeps every row up to `through` when `through` moves later (history never depends on the future)', async () => {
    const later = await seededForTest({ ...SMALL, seed: 42, through: '2024-12-20' })
    const sql = `SELECT sum(hash(t)::HUGEINT)::VARCHAR AS c FROM nba_analytics.player_game_summary t WHERE game_date <= DATE '2024-12-10'`
    const odds = `SELECT sum(hash(t)::HUGEINT)::VARCHAR AS c FROM nba_raw.odds_api_player_points_props t WHERE game_date <= DATE '2024-12-10'`
    for (const query of [sql, odds]) {
      const [a, b] = await Promise.all([later.connection.runAndReadAll(query), clean.connection.runAndReadAll(query)])
      expect(a.getRowObjectsJS()).toEqual(b.getRowObjectsJS())
    }
  })

  it('rejects invalid options', async () => {
    await expect(seedInMemory({ through: '2024-13-45' })).rejects.toThrow()
    await expect(seedInMemory({ seasons: 0 })).rejects.toThrow()
  })
})

describe('incidents', () => {
  it('reports the rows each incident changed', () => {
    for (const name of Object.keys(INCIDENTS))
      expect(damaged.summary.incidents[name as keyof SeedIncidents], name).toBeGreaterThan(0)
  })

  it('leaves every row outside the incident dates untouched', async () => {
    for (const table of [
      'nba_analytics.player_game_summary',
      'nba_analytics.upcoming_player_game_context',
      'nba_raw.odds_api_player_points_props',
      'nba_raw.bettingpros_player_points_props',
    ]) {
      const sql = `SELECT count(*) AS n, sum(hash(t)::HUGEINT)::VARCHAR AS c FROM ${table} t WHERE NOT (${ANY_INCIDENT})`
      const [a, b] = await Promise.all([damaged.connection.runAndReadAll(sql), clean.connection.runAndReadAll(sql)])
      expect(a.getRowObjectsJS(), table).toEqual(b.getRowObjectsJS())
    }
  })

  it('dnpAsZero: DNPs become unmarked zero-point rows (I-10), 32-50% zeros, only on its dates', async () => {
    const sql = (
      where: string,
    ) => `SELECT count(*) FILTER (WHERE is_dnp) AS dnp, avg(coalesce(points = 0, FALSE)::INTEGER) AS zeros
      FROM nba_analytics.player_game_summary WHERE ${where}`
    const hit = await numbers(damaged.connection, sql(inRange('dnpAsZero')))
    expect(hit.dnp).toBe(0)
    expectBetween(hit.zeros!, 0.3, 0.5, 'zero share with DNPs as zeros')
    const healthy = await numbers(damaged.connection, sql(`game_date BETWEEN DATE '2024-11-15' AND DATE '2024-11-19'`))
    expectBetween(healthy.zeros!, 0.03, 0.12, 'zero share on healthy dates')
  })

  it('usageRateMissing: no avg_usage_rate_last_7_games on its dates only (I-3)', async () => {
    const sql = (where: string) => `SELECT avg((avg_usage_rate_last_7_games IS NOT NULL)::INTEGER) AS share
      FROM nba_analytics.upcoming_player_game_context WHERE ${where}`
    expect((await numbers(damaged.connection, sql(inRange('usageRateMissing')))).share).toBe(0)
    const elsewhere = await numbers(
      damaged.connection,
      sql(`NOT (${inRange('usageRateMissing')}) AND game_date > DATE '2024-11-01'`),
    )
    expectBetween(elsewhere.share!, 0.45, 0.65, 'usage present elsewhere')
  })

  it('noProps: no Odds API or BettingPros rows and no context lines on its dates (I-13)', async () => {
    const sql = (
      where: string,
    ) => `SELECT (SELECT count(*) FROM nba_raw.odds_api_player_points_props WHERE ${where}) AS odds,
      (SELECT count(*) FROM nba_raw.bettingpros_player_points_props WHERE ${where}) AS bp,
      (SELECT count(*) FILTER (WHERE has_prop_line) FROM nba_analytics.upcoming_player_game_context WHERE ${where}) AS context`
    expect(await numbers(damaged.connection, sql(inRange('noProps')))).toEqual({ odds: 0, bp: 0, context: 0 })
    const around = await numbers(damaged.connection, sql(`game_date = DATE '2024-11-25'`))
    expect(Math.min(around.odds!, around.bp!, around.context!)).toBeGreaterThan(0)
  })

  it('bettingprosOnlyOtherMarkets: only rebounds/assists rows on its dates (I-9 fixture)', async () => {
    const sql = (where: string) => `SELECT count(*) FILTER (WHERE market_type = 'points') AS points,
      count(*) FILTER (WHERE market_type <> 'points') AS other FROM nba_raw.bettingpros_player_points_props WHERE ${where}`
    const hit = await numbers(damaged.connection, sql(inRange('bettingprosOnlyOtherMarkets')))
    expect(hit.points).toBe(0)
    expect(hit.other).toBeGreaterThan(0)
    expect((await numbers(damaged.connection, sql(`game_date = DATE '2024-12-01'`))).points).toBeGreaterThan(0)
  })

  it('playByPlayMissing: shot-zone columns NULL on its dates, >= 97% of games covered elsewhere (I-17)', async () => {
    const sql = (
      where: string,
    ) => `SELECT count(DISTINCT game_id) FILTER (WHERE fg_attempts IS NOT NULL) / count(DISTINCT game_id) AS coverage
      FROM nba_analytics.player_game_summary WHERE NOT is_dnp AND ${where}`
    expect((await numbers(damaged.connection, sql(inRange('playByPlayMissing')))).coverage).toBe(0)
    const elsewhere = await numbers(damaged.connection, sql(`NOT (${inRange('playByPlayMissing')})`))
    expectBetween(elsewhere.coverage!, 0.97, 1, 'shot-zone coverage elsewhere')
  })

  it('noMinutes: played rows lose minutes_played on its dates only (A-10d)', async () => {
    const sql = (
      where: string,
    ) => `SELECT avg((minutes_played > 0)::INTEGER) AS share FROM nba_analytics.player_game_summary
      WHERE NOT is_dnp AND ${where}`
    expect((await numbers(damaged.connection, sql(inRange('noMinutes')))).share).toBeNaN()
    const elsewhere = await numbers(
      damaged.connection,
      sql(`NOT (${inRange('noMinutes')}) AND NOT (${inRange('dnpAsZero')})`),
    )
    expectBetween(elsewhere.share!, 0.9, 1, 'minutes share elsewhere')
  })

  it('boxScoresRepeated: every box score of its dates six times (I-16), one row per key elsewhere', async () => {
    const sql = (where: string) => `SELECT count(*) / count(DISTINCT (player_lookup, game_id)) AS copies
      FROM nba_analytics.player_game_summary WHERE ${where}`
    expect((await numbers(damaged.connection, sql(inRange('boxScoresRepeated')))).copies).toBe(6)
    expect((await numbers(damaged.connection, sql(`NOT (${inRange('boxScoresRepeated')})`))).copies).toBe(1)
  })

  it('applies incidents to an existing warehouse with applyIncidents', async () => {
    const target = await seededForTest({ ...SMALL, seed: 7 })
    const summary = await applyIncidents(target.connection, { noMinutes: { from: '2024-12-01', to: '2024-12-01' } })
    expect(Object.keys(summary)).toEqual(['noMinutes'])
    expect(summary.noMinutes).toBeGreaterThan(0)
    await expect(
      applyIncidents(target.connection, { noMinutes: { from: '2024-12-02', to: '2024-12-01' } }),
    ).rejects.toThrow()
  })
})

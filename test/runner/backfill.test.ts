import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { backfill } from '../../src/runner/backfill.js'
import type { BackfillOptions } from '../../src/runner/backfill.js'
import type { GitProbe } from '../../src/runner/git-probe.js'
import { runPipeline } from '../../src/runner/run.js'
import { compileFixture, memoryAdapter, testRun } from '../support/fixtures.js'

let adapter: DuckDbAdapter
let graph: CompiledGraph
const OLD = 'a'.repeat(40)
const FIX = 'f'.repeat(40)
const cleanGit = (contains: string[] = [FIX]): GitProbe => ({
  isClean: () => true,
  contains: (sha) => contains.includes(sha),
})

beforeEach(async () => {
  adapter = await memoryAdapter()
  graph = await compileFixture('forecasts')
  await adapter.execute(`CREATE SCHEMA raw;
    CREATE TABLE raw.scores AS SELECT * FROM (VALUES (DATE '2026-01-01', 'x', 1.0::DOUBLE), (DATE '2026-01-01', 'y', 2.0), (DATE '2026-01-02', 'x', 3.0), (DATE '2026-01-03', 'x', 4.0)) t(day, item, value);
    CREATE TABLE raw.forecast_log (run_id VARCHAR, interval_start DATE, status VARCHAR, rows_after BIGINT)`)
  // production ran the old code daily, then the fix was deployed and ran daily too
  await runPipeline({ graph, adapter, run: testRun({ buildCommitSha: OLD }), today: '2026-02-01' })
  await runPipeline({ graph, adapter, run: testRun({ buildCommitSha: FIX }), today: '2026-02-01' })
})
afterEach(async () => adapter.close())

function options(overrides: Partial<BackfillOptions> = {}): BackfillOptions {
  return {
    graph,
    adapter,
    run: testRun({ buildCommitSha: FIX, mode: 'backfill' }),
    git: cleanGit(),
    actions: ['forecasts'],
    from: '2026-01-01',
    to: '2026-01-03',
    reason: 'fix f',
    requireCommits: [FIX],
    ...overrides,
  }
}
/** Inputs changed, then a backfill at FIX that stops after its first batch (its process dies). */
async function killedBackfill() {
  await adapter.execute(`UPDATE raw.scores SET value = value + 1`)
  let batches = 0
  const killedRun = testRun({ buildCommitSha: FIX, mode: 'backfill' })
  const stopped = await backfill(
    options({
      run: killedRun,
      onEvent: (e) => {
        if (e.type === 'batch' && ++batches === 1) throw new Error('killed')
      },
    }),
  )
  expect(stopped.run?.ok).toBe(false)
  return killedRun
}
const rows = () => adapter.query<{ n: number }>('SELECT COUNT(*) AS n FROM analytics.forecasts').then((r) => r[0]?.n)

describe('backfill', () => {
  it('refuses before any write on a dirty tree, a missing fix commit, or code production does not run', async () => {
    const before = await rows()
    const dirty = await backfill(options({ git: { isClean: () => false, contains: () => true } }))
    expect(dirty.go).toBe(false)
    expect(dirty.checks.find((c) => c.name === 'clean working tree')?.ok).toBe(false)
    const missingFix = await backfill(options({ git: cleanGit([]) }))
    expect(missingFix.checks.find((c) => c.name.startsWith('contains'))?.detail).toContain(`does not contain ${FIX}`)
    const notDeployed = await backfill(
      options({ run: testRun({ buildCommitSha: 'c'.repeat(40), mode: 'backfill' }), requireCommits: [] }),
    )
    expect(notDeployed.go).toBe(false)
    expect(notDeployed.checks.find((c) => c.name === 'deployed before backfill')?.detail).toContain(
      `production runs ${FIX}`,
    )
    const migrations = await backfill(options({ migrationProblem: async () => 'pending: migrations/0004-x.ts' }))
    expect(migrations.go).toBe(false)
    expect(await rows()).toBe(before)
    expect(await adapter.query(`SELECT COUNT(*) AS n FROM pipeline_state.runs WHERE command = 'backfill'`)).toEqual([
      { n: 0 },
    ])
  })

  it('gives a no-go for the dates whose upstream assertions fail', async () => {
    await adapter.execute(`INSERT INTO raw.scores VALUES (DATE '2026-01-02', 'bad', -1.0)`)
    const result = await backfill(options())
    expect(result.go).toBe(false)
    expect(result.dates.map((d) => [d.date, d.go])).toEqual([
      ['2026-01-01', true],
      ['2026-01-02', false],
      ['2026-01-03', true],
    ])
    expect(result.dates[1]?.failures[0]).toMatch(/^scores_non_negative failed on 2026-01-02/)
  })

  it('plans per date, then supersedes with the reason and the backfill mode, deleting nothing', async () => {
    await adapter.execute(`UPDATE raw.scores SET value = value + 1`)
    const dry = await backfill(options({ dryRun: true }))
    expect(dry.go).toBe(true)
    expect(dry.run).toBeUndefined()
    // The active rows are the old build's (the fixed build's daily run found every date built): the plan names it.
    const planned = (date: string, n: number) => ({
      action: 'forecasts',
      date,
      existingRows: n,
      builds: [{ buildCommitSha: OLD, rows: n }],
      selected: true,
    })
    expect(dry.plan).toEqual([planned('2026-01-01', 2), planned('2026-01-02', 1), planned('2026-01-03', 1)])
    const before = await rows()
    const result = await backfill(options())
    expect(result.run?.ok).toBe(true)
    expect(result.run?.mode).toBe('backfill')
    expect(await rows()).toBe((before ?? 0) + 4)
    expect(
      await adapter.query(
        `SELECT DISTINCT superseded_reason FROM analytics.forecasts WHERE superseded AND superseded_at >= CAST('${result.run?.startedAt}' AS TIMESTAMP)`,
      ),
    ).toEqual([{ superseded_reason: 'backfill:fix f' }])
    expect(await adapter.query('SELECT COUNT(*) AS n FROM analytics.forecasts WHERE is_active')).toEqual([{ n: 4 }])
  })

  it('shows the plan before the first write and writes nothing when the confirmation is declined', async () => {
    await adapter.execute(`UPDATE raw.scores SET value = value + 1`)
    const before = await rows()
    const seen: number[] = []
    const declined = await backfill(
      options({
        confirm: async (preview) => {
          seen.push(preview.plan.length, Number(await rows()))
          return false
        },
      }),
    )
    expect(seen).toEqual([3, before])
    expect(declined).toMatchObject({ go: true, declined: true })
    expect(declined.run).toBeUndefined()
    expect(await rows()).toBe(before)
    const confirmed = await backfill(options({ confirm: async () => true }))
    expect(confirmed.run?.ok).toBe(true)
    expect(await rows()).toBe((before ?? 0) + 4)
  })

  it('resumes a backfill that stopped half-way: dates it completed are not rebuilt', async () => {
    await adapter.execute(`UPDATE raw.scores SET value = value + 1`)
    let batches = 0
    // the first batch commits, then the process dies (here: the batch event throws and the action stops)
    const stopped = await backfill(
      options({
        onEvent: (e) => {
          if (e.type === 'batch' && ++batches === 1) throw new Error('killed')
        },
      }),
    )
    expect(stopped.run?.ok).toBe(false)
    const resumed = await backfill(options())
    expect(resumed.resumed).toHaveLength(1)
    expect(resumed.discarded).toEqual([])
    expect(resumed.run?.actions.find((a) => a.name === 'forecasts')?.intervals).toEqual([
      { start: '2026-01-02', end: '2026-01-03' },
      { start: '2026-01-03', end: '2026-01-04' },
    ])
  })

  it('refuses a newer build whose daily run failed after a killed backfill, naming the backfill and the way out', async () => {
    const killedRun = await killedBackfill()
    // a newer build is deployed, and its daily run fails (here on a bad input of a new day)
    await adapter.execute(`INSERT INTO raw.scores VALUES (DATE '2026-01-04', 'x', -1.0)`)
    const NEWER = 'e'.repeat(40)
    const daily = testRun({ buildCommitSha: NEWER })
    expect((await runPipeline({ graph, adapter, run: daily, today: '2026-02-01' })).ok).toBe(false)
    const refused = await backfill(
      options({ run: testRun({ buildCommitSha: NEWER, mode: 'backfill' }), requireCommits: [] }),
    )
    expect(refused.go).toBe(false)
    const gate = refused.checks.find((c) => c.name === 'deployed before backfill')?.detail
    expect(gate).toContain(`production runs ${FIX}`)
    expect(gate).toContain(`its daily run ${daily.id}`)
    expect(gate).toContain('ended failed, and only a successful one counts')
    expect(gate).toContain(`the backfill ${killedRun.id} of 2026-01-01..2026-01-03 (build ${FIX.slice(0, 12)}) ended`)
    expect(gate).toContain('resume it on its build')
    expect(refused.run).toBeUndefined()
    // the way out it names: the killed backfill resumes on its own build, whose daily run is the last good one
    const resumed = await backfill(options({ requireCommits: [] }))
    expect(resumed.go).toBe(true)
    expect(resumed.resumed).toEqual([killedRun.id])
    expect(resumed.run?.ok).toBe(true)
  })

  it('never resumes another build: a newer build rebuilds the dates a killed backfill completed, and says so', async () => {
    const killedRun = await killedBackfill()
    // the next fix is deployed and runs daily before the range is backfilled again
    const NEWER = 'e'.repeat(40)
    await runPipeline({ graph, adapter, run: testRun({ buildCommitSha: NEWER }), today: '2026-02-01' })
    const again = await backfill(
      options({ run: testRun({ buildCommitSha: NEWER, mode: 'backfill' }), requireCommits: [] }),
    )
    expect(again.go).toBe(true)
    expect(again.resumed).toEqual([])
    expect(again.discarded).toEqual([{ runId: killedRun.id, buildCommitSha: FIX }])
    expect(again.run?.actions.find((a) => a.name === 'forecasts')?.intervals).toHaveLength(3)
    // no active row of the range keeps the killed run's build, and one active row per key holds
    expect(
      await adapter.query(
        `SELECT build_commit_sha, COUNT(*) AS n FROM analytics.forecasts WHERE is_active GROUP BY ALL ORDER BY ALL`,
      ),
    ).toEqual([{ build_commit_sha: NEWER, n: 4 }])
  })
})

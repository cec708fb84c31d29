/**
 * I-2 replayed: a backfill run from a checkout without the fix commit. A real git repository holds
 * the old build (c0) and the fix (c1) on top of it; the sample has its predictions published by
 * daily runs of c0 (production). The backfill of 2024-12-09..12-15 with `--require-commit c1`:
 *   - from a checkout of c0 (legacy: the old code on a laptop) is refused: HEAD does not contain c1;
 *   - from a checkout of c1 while production still runs c0 (legacy compared local HEAD to a label
 *     that did not exist yet) is refused: the last daily run used another build;
 * both before any write. Once c1 is deployed (a daily run records it), the backfill goes and every
 * active prediction of the range carries c1; the c0 rows are superseded, not deleted.
 *
 * Tried (the second test): without `--require-commit`, the backfill from the old checkout goes,
 * since production runs that same old build, and rewrites the range with c0: the fix commit is the
 * only stop for I-2 while production itself is behind.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backfill } from '../../src/runner/backfill.js'
import type { BackfillOptions } from '../../src/runner/backfill.js'
import { createGitProbe } from '../../src/runner/git-probe.js'
import { scratchDir } from '../support/scratch.js'
import { testRun } from '../support/fixtures.js'
import type { Replay } from './support.js'
import { DAMAGE_FROM, PPP, WHOLE_PIPELINE, fingerprint, notSucceeded, publishedSample, rows, run } from './support.js'

const RANGE = { from: DAMAGE_FROM, to: '2024-12-15' }
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'replay',
  GIT_AUTHOR_EMAIL: 'replay@example.com',
  GIT_COMMITTER_NAME: 'replay',
  GIT_COMMITTER_EMAIL: 'replay@example.com',
}

let replay: Replay
let repo: string
let c0: string
let c1: string

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, env: GIT_ENV, encoding: 'utf8' }).trim()
}

function commit(text: string): string {
  writeFileSync(join(repo, 'features.ts'), text)
  git('add', '.')
  git('commit', '-q', '-m', text)
  return git('rev-parse', 'HEAD')
}

function backfillFrom(sha: string, extra: Partial<BackfillOptions> = {}) {
  git('checkout', '-q', sha)
  return backfill({
    graph: replay.healthy,
    adapter: replay.adapter,
    run: testRun({ buildCommitSha: sha, mode: 'backfill' }),
    git: createGitProbe(repo),
    actions: ['player_prop_predictions'],
    ...RANGE,
    reason: 'I-2 replay: regenerate with the Vegas fix',
    requireCommits: [c1],
    runsDir: null,
    ...extra,
  })
}

beforeAll(async () => {
  repo = scratchDir('i2-repo-')
  git('init', '-q')
  c0 = commit('serving without the Vegas features')
  c1 = commit('serving passes features 25-32 (the fix)')
  replay = await publishedSample()
  const daily = await run(replay.healthy, replay.adapter, {
    selection: WHOLE_PIPELINE,
    from: DAMAGE_FROM,
    to: '2024-12-20',
    sha: c0,
  })
  expect(notSucceeded(daily)).toEqual([])
}, 240_000)
afterAll(async () => replay.adapter.close())

describe('I-2: a backfill from a checkout without the fix', () => {
  it('is refused before any write from a checkout of the old build', async () => {
    const before = await fingerprint(replay.adapter, PPP)
    const result = await backfillFrom(c0)
    expect(result.go).toBe(false)
    const missing = result.checks.find((c) => c.name === `contains ${c1.slice(0, 12)}`)
    expect(missing).toMatchObject({ ok: false })
    expect(missing?.detail).toContain(`does not contain ${c1}`)
    console.log(`I-2 replay: ${missing?.name}: ${missing?.detail}`)
    expect(result.run).toBeUndefined()
    expect(await fingerprint(replay.adapter, PPP)).toEqual(before)
  })

  it('goes from the old checkout when no fix commit is required (the check this replay needs)', async () => {
    const result = await backfillFrom(c0, { requireCommits: [] })
    expect(result.go).toBe(true)
    const [active] = await rows<{ shas: string }>(
      replay.adapter,
      `SELECT string_agg(DISTINCT build_commit_sha, ',') AS shas FROM ${PPP}
       WHERE is_active AND game_date BETWEEN DATE '${RANGE.from}' AND DATE '${RANGE.to}'`,
    )
    expect(active?.shas).toBe(c0)
  })

  it('is refused from a checkout of the fix while production still runs the old build', async () => {
    const before = await fingerprint(replay.adapter, PPP)
    const result = await backfillFrom(c1)
    expect(result.go).toBe(false)
    expect(result.checks.find((c) => c.name === `contains ${c1.slice(0, 12)}`)?.ok).toBe(true)
    const deployed = result.checks.find((c) => c.name === 'deployed before backfill')
    expect(deployed?.ok).toBe(false)
    expect(deployed?.detail).toContain(`production runs ${c0}`)
    expect(await fingerprint(replay.adapter, PPP)).toEqual(before)
  })

  it('goes once the fix is deployed; the range is rewritten by the fix and the old rows are kept, superseded', async () => {
    git('checkout', '-q', c1)
    const deploy = await run(replay.healthy, replay.adapter, {
      selection: WHOLE_PIPELINE,
      from: '2024-12-21',
      to: '2024-12-21',
      sha: c1,
    })
    expect(notSucceeded(deploy)).toEqual([])
    const result = await backfillFrom(c1)
    expect(result.checks.filter((c) => !c.ok)).toEqual([])
    expect(result.run && notSucceeded(result.run)).toEqual([])
    const builds = await rows<{ sha: string; active: boolean; n: number }>(
      replay.adapter,
      `SELECT build_commit_sha AS sha, is_active AS active, COUNT(*) AS n FROM ${PPP}
       WHERE game_date BETWEEN DATE '${RANGE.from}' AND DATE '${RANGE.to}' GROUP BY 1, 2 ORDER BY 1, 2`,
    )
    expect(builds.filter((b) => b.active).map((b) => b.sha)).toEqual([c1])
    expect(builds.find((b) => b.sha === c0 && !b.active)?.n).toBeGreaterThan(100)
  })
})

/**
 * I-19 replayed: predictions written again by pre-fix code. A real git repository holds the old
 * build (c0) and the fix (c1) on top of it; the fix is registered for player_prop_predictions from
 * 2024-12-09 (definitions/predictions/required-fixes.ts), so the allowed builds are computed from
 * that repository at compile time. With everything published through 2024-12-08, a daily run of c0
 * (the prediction step as it was before the fix: the store's quality score not carried) predicts
 * from 2024-12-09:
 *   - A-19b (the root: the writing build does not contain the fix) fails on every damaged date, and
 *     A-19a (the symptom: rows without feature_quality_score) with it; no prediction is published;
 *   - a c0 build whose rows show no symptom at all is stopped by A-19b alone;
 *   - the fixed build c1 publishes the dates.
 *
 * Tried (scripts/incidents-removal.ts, recorded in docs/incidents.json): with A-19b and A-19a removed,
 * 3 of the 4 tests fail: the old build's predictions of the damaged dates are published.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { predictionAssertions, predictionDefinition } from '../../definitions/predictions/prediction-action.js'
import type { RequiredFix } from '../../definitions/predictions/required-fixes.js'
import { incremental } from '../../src/index.js'
import { PREDICTION_COLUMNS } from '../../includes/contracts.js'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { RunResult } from '../../src/runner/result.js'
import { scratchDir } from '../support/scratch.js'
import type { Replay } from './support.js'
import {
  DAMAGE_FROM,
  THROUGH,
  WHOLE_PIPELINE,
  compileReal,
  countBetween,
  expectNamed,
  expectNothingPublishedChanged,
  failedDates,
  failures,
  notSucceeded,
  PPP,
  publishedSample,
  replaceColumns,
  run,
  statusOf,
} from './support.js'

const ROOT_CHECK = 'player_prop_predictions.a19b_build_contains_required_fixes'
const SYMPTOM_CHECK = 'player_prop_predictions.a19a_quality_score_present'

let replay: Replay
let repo: string
let c0: string
let c1: string
let registered: CompiledGraph
let damaged: RunResult
let damagedDates: string[]

function git(...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'replay', GIT_AUTHOR_EMAIL: 'r@example.com' }
  const committer = { GIT_COMMITTER_NAME: 'replay', GIT_COMMITTER_EMAIL: 'r@example.com' }
  return execFileSync('git', args, { cwd: repo, env: { ...env, ...committer }, encoding: 'utf8' }).trim()
}

function commit(text: string): string {
  writeFileSync(join(repo, 'prediction.ts'), text)
  git('add', '.')
  git('commit', '-q', '-m', text)
  return git('rev-parse', 'HEAD')
}

/** The prediction action with the fix registered in the replay's repository; `preFix` drops the quality score. */
function predictions(preFix: boolean) {
  const fixes: RequiredFix[] = [{ fix: c1, from: DAMAGE_FROM, reason: 'I-19: quality score carried' }]
  const action = incremental({
    ...predictionDefinition(),
    assertions: predictionAssertions({ fixes, gitDir: repo }),
    columns: [...PREDICTION_COLUMNS],
  })
  return preFix ? replaceColumns(action, { feature_quality_score: 'CAST(NULL AS DECIMAL(5,2))' }) : action
}

beforeAll(async () => {
  repo = scratchDir('i19-repo-')
  git('init', '-q')
  c0 = commit('predictions without the quality score')
  c1 = commit('predictions carry the quality score (the fix)')
  replay = await publishedSample()
  registered = await compileReal('duckdb', [predictions(false)])
  const preFix = await compileReal('duckdb', [predictions(true)])
  damaged = await run(preFix, replay.adapter, { selection: WHOLE_PIPELINE, from: DAMAGE_FROM, sha: c0 })
  const dates = await replay.adapter.query<{ d: string }>(
    `SELECT DISTINCT CAST(game_date AS VARCHAR) AS d FROM nba_predictions.ml_feature_store_v2
     WHERE game_date >= DATE '${DAMAGE_FROM}' ORDER BY 1`,
  )
  damagedDates = dates.map((r) => r.d)
}, 240_000)
afterAll(async () => replay.adapter.close())

describe('I-19: predictions written by pre-fix code', () => {
  it('fails the build-ancestry audit (A-19b) on every damaged date, and the quality-score audit (A-19a)', () => {
    expect(damagedDates.length).toBeGreaterThan(10)
    expect(failedDates(damaged, ROOT_CHECK)).toEqual(damagedDates)
    expectNamed(
      failures(damaged, ROOT_CHECK)[0],
      ROOT_CHECK,
      /\d+ of \d+ rows break \(game_date < DATE '2024-12-09' OR build_commit_sha IN/,
    )
    expect(failures(damaged, ROOT_CHECK)[0]?.message).toContain(c1)
    expect(failedDates(damaged, SYMPTOM_CHECK)).toEqual(damagedDates)
    console.log(`I-19 replay: ${failures(damaged, ROOT_CHECK)[0]?.message}`)
    expect(statusOf(damaged, 'player_prop_predictions')).toBe('failed')
    expect(statusOf(damaged, 'prediction_accuracy')).toBe('skipped')
  })

  it('writes no prediction or grade of the damaged dates and changes nothing published before them', async () => {
    await expectNothingPublishedChanged(replay, damaged)
  })

  it('stops an old build whose rows show no symptom at its root (A-19b alone)', async () => {
    const old = await run(registered, replay.adapter, {
      selection: { actions: ['player_prop_predictions'] },
      from: DAMAGE_FROM,
      sha: c0,
    })
    expect(failedDates(old, ROOT_CHECK)).toEqual(damagedDates)
    expect(failedDates(old, SYMPTOM_CHECK)).toEqual([])
    expect(await countBetween(replay.adapter, PPP, DAMAGE_FROM, THROUGH)).toBe(0)
  })

  it('publishes the dates from the fixed build', async () => {
    const fixed = await run(registered, replay.adapter, { selection: WHOLE_PIPELINE, from: DAMAGE_FROM, sha: c1 })
    expect(notSucceeded(fixed)).toEqual([])
    expect(await countBetween(replay.adapter, PPP, DAMAGE_FROM, THROUGH)).toBeGreaterThan(1000)
  })
})

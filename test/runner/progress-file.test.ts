import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createProgressFile } from '../../src/runner/progress-file.js'
import type { RunFile } from '../../src/runner/progress-file.js'
import { readRunFiles } from '../../src/runner/run-files.js'
import type { ActionResult, RunResult } from '../../src/runner/result.js'
import { scratchDir } from '../support/scratch.js'
import { testRun } from '../support/fixtures.js'

const result = (name: string, status: ActionResult['status']): ActionResult => ({
  name,
  kind: 'incremental',
  status,
  durationMs: 1,
  rowsWritten: 10,
  intervals: [{ start: '2026-01-01', end: '2026-01-02' }],
  checks: [],
  sqlHash: null,
})

describe('the run progress file', () => {
  it('is rewritten as batches finish, with rows so far and an ETA from the pace, then the outcome', () => {
    const dir = scratchDir('pipeline-progress-')
    const run = testRun({ startedAt: '2026-01-10T10:00:00.000Z' })
    let clock = Date.parse(run.startedAt)
    const file = createProgressFile({
      dir,
      run,
      command: 'backfill',
      skipAssertions: false,
      reason: 'fix',
      now: () => clock,
    })
    const read = () => JSON.parse(readFileSync(file.path, 'utf8')) as RunFile
    expect(read()).toMatchObject({ runId: run.id, command: 'backfill', status: 'running', pid: process.pid })
    const days = [1, 2, 3, 4].map((d) => ({ start: `2026-01-0${d}`, end: `2026-01-0${d + 1}` }))
    file.onEvent({ type: 'plan', actions: [{ name: 'features', kind: 'incremental', intervals: days }] })
    file.onEvent({ type: 'action-start', name: 'features' })
    clock += 60_000
    file.onEvent({ type: 'batch', name: 'features', interval: days[0]!, done: 1, total: 4, rows: 120 })
    const progress = read().progress
    expect(progress.units).toEqual({ done: 1, total: 4 })
    expect(progress.rows).toBe(120)
    expect(progress.running).toEqual([expect.objectContaining({ name: 'features', batch: 1, batches: 4, rows: 120 })])
    // One batch a minute, three to go: three minutes from now.
    expect(progress.eta).toBe('2026-01-10T10:04:00.000Z')
    expect(readdirSync(dir)).toEqual([`${run.id}.json`])
    file.onEvent({ type: 'action-end', result: result('features', 'failed') })
    const finished: RunResult = {
      ok: false,
      runId: run.id,
      buildCommitSha: run.buildCommitSha,
      deploymentRevision: 'local',
      mode: 'daily',
      startedAt: run.startedAt,
      finishedAt: new Date(clock).toISOString(),
      skipAssertions: false,
      dryRun: false,
      actions: [result('features', 'failed')],
    }
    file.finish(finished)
    expect(read()).toMatchObject({ status: 'failed', ok: false, progress: { failed: ['features'], eta: null } })
  })

  it('reads a file left running by a dead process as interrupted, and skips files it cannot parse', () => {
    const dir = scratchDir('pipeline-progress-')
    const run = testRun()
    createProgressFile({ dir, run, command: 'run', skipAssertions: false, reason: null })
    writeFileSync(join(dir, 'junk.json'), '{"runId": ')
    expect(readRunFiles(dir, () => true).map((f) => f.status)).toEqual(['running'])
    expect(readRunFiles(dir, () => false).map((f) => f.status)).toEqual(['interrupted'])
  })
})

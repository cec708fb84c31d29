import { describe, expect, it } from 'vitest'
import { createProgress, formatEta } from '../../src/cli/progress.js'
import type { ActionResult } from '../../src/runner/result.js'

const ended = (name: string): ActionResult => ({
  name,
  kind: 'incremental',
  status: 'succeeded',
  durationMs: 4000,
  rowsWritten: 30,
  intervals: [{ start: '2026-01-01', end: '2026-01-04' }],
  checks: [],
  sqlHash: null,
})

function capture(isTty: boolean) {
  let err = ''
  let clock = 0
  const progress = createProgress({ stdout: () => undefined, stderr: (t) => (err += t), isTty }, () => clock)
  return { progress, text: () => err, tick: (ms: number) => (clock += ms) }
}

describe('progress display', () => {
  it('estimates the time left from the pace of the batches done', () => {
    expect(formatEta(0, 1, 4, 10_000)).toBe(' ETA 30s')
    expect(formatEta(0, 2, 12, 60_000)).toBe(' ETA 5m00s')
    expect(formatEta(0, 0, 4, 10_000)).toBe('')
  })

  it('in CI prints a line per batch with batch i/n and the ETA, then the finished action', () => {
    const { progress, text, tick } = capture(false)
    progress.onEvent({ type: 'plan', actions: [{ name: 'features', kind: 'incremental', intervals: [] }] })
    progress.onEvent({ type: 'action-start', name: 'features' })
    tick(2000)
    progress.onEvent({
      type: 'batch',
      name: 'features',
      interval: { start: '2026-01-01', end: '2026-01-02' },
      done: 1,
      total: 3,
      rows: 10,
    })
    progress.onEvent({ type: 'action-end', result: ended('features') })
    expect(text()).toBe(
      '  features: 2026-01-01..2026-01-02 10 rows (batch 1/3 ETA 4s)\nok   features [incremental] 4.0s 30 rows 2026-01-01..2026-01-04\n',
    )
  })

  it('on a terminal redraws one live line per running action in place', () => {
    const { progress, text, tick } = capture(true)
    progress.onEvent({ type: 'plan', actions: [] })
    progress.onEvent({ type: 'action-start', name: 'features' })
    progress.onEvent({ type: 'action-start', name: 'grading' })
    tick(1000)
    progress.onEvent({
      type: 'batch',
      name: 'features',
      interval: { start: '2026-01-01', end: '2026-01-02' },
      done: 1,
      total: 2,
      rows: 5,
    })
    const last = text().split('\x1b[0J').at(-1) ?? ''
    expect(last).toBe('  features batch 1/2, 5 rows ETA 1s\n  grading …\n[0/0 actions]\n')
    expect(text()).toContain('\x1b[3A\x1b[0J')
  })
})

import { describe, expect, it } from 'vitest'
import type { Adapter } from '../../src/engines/adapter.js'
import { StateStore } from '../../src/state/state-store.js'
import { collectStatus } from '../../src/runner/status.js'
import { compileFixture, fixturePath, memoryAdapter } from '../support/fixtures.js'
import { scratchDir } from '../support/scratch.js'

const started = (runId: string, host: string, pid: number) => ({
  runId,
  command: 'backfill',
  mode: 'backfill',
  status: 'running',
  startedAt: '2026-01-10T06:00:00.000Z',
  buildCommitSha: 'f'.repeat(40),
  deploymentRevision: 'rev-9',
  engine: 'duckdb',
  skipAssertions: false,
  pid,
  host,
})

describe('status from the state tables', () => {
  it('shows a run recorded as running on another host (no run file here) as running, and a dead local one as interrupted', async () => {
    const adapter = await memoryAdapter()
    const graph = await compileFixture('shop')
    const state = new StateStore(adapter, graph.project.stateDataset)
    await state.ensure()
    await state.startRun(started('remote', 'worker-7', 4242))
    await state.startRun({ ...started('killed', '', 0), host: undefined, pid: 2 ** 22 + 17 })
    const status = await collectStatus({
      runsDir: scratchDir('pipeline-status-'),
      root: fixturePath('shop'),
      graph,
      openReadOnly: async (): Promise<Adapter> => adapter,
      today: '2026-01-10',
    })
    expect(status.running.map((r) => [r.runId, r.host])).toEqual([['remote', 'another host (no run file here)']])
    expect(status.recent.find((r) => r.runId === 'killed')?.status).toBe('interrupted')
  })
})

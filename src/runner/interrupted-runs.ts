import { hostname } from 'node:os'
import type { StateStore } from '../state/state-store.js'
import { isProcessAlive } from './run-files.js'

/**
 * Runs recorded as running whose process is gone (kill -9, a crash, a lost machine) never finish by
 * themselves: the next run records them as 'interrupted', so pipeline_state.runs never shows a dead
 * run as running forever. Returns the run ids it marked.
 *
 * On DuckDB the file is open for writing in one process at a time, and this process has it: every run
 * another process recorded as running is dead (even if its PID was reused since). On BigQuery, a run is
 * dead when its PID no longer exists on this host; a run on another host cannot be judged and is left.
 */
export async function markInterruptedRuns(state: StateStore, foundAt: string): Promise<string[]> {
  const exclusive = state.adapter.engine === 'duckdb'
  const here = hostname()
  const dead = (await state.runningRuns()).filter((r) => {
    if (r.pid === null) return false
    const sameHost = !r.host || r.host === here
    if (sameHost && r.pid === process.pid) return false
    return exclusive || !isProcessAlive(r.pid, r.host ?? '')
  })
  const ids = dead.map((r) => r.runId)
  await state.markInterrupted(ids, foundAt)
  return ids
}

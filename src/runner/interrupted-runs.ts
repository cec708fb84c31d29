import { hostname } from 'node:os'
import type { Target } from '../engines/dialect.js'
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
 * The staging tables a dead run left for `targets` are dropped (BigQuery's would expire anyway).
 */
export async function markInterruptedRuns(
  state: StateStore,
  foundAt: string,
  targets: readonly Target[],
): Promise<string[]> {
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
  const { dialect } = state.adapter
  const staging = new Set<string>()
  for (const id of ids) for (const target of targets) staging.add(dialect.dropTable(dialect.stagingTable(target, id)))
  for (const drop of staging) await state.adapter.execute(drop)
  return ids
}

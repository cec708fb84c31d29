import { daysBetween, mergeIntervals } from '../core/dates.js'
import type { DateInterval, IsoDate } from '../core/dates.js'
import type { CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import { migrationStatus } from '../migrate/index.js'
import { StateStore } from '../state/state-store.js'
import type { UnverifiedInterval } from '../state/state-records.js'
import { readStateVersion } from '../state/state-upgrade.js'
import { planIntervals } from './plan.js'
import type { RunFile, RunFileStatus } from './progress-file.js'
import { isProcessAlive, readRunFiles } from './run-files.js'

/** One of the last runs, from its file or the runs table. */
export interface RunLine {
  readonly runId: string
  readonly command: string
  readonly mode: string
  readonly status: RunFileStatus | string
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly buildCommitSha: string
  readonly skipAssertions: boolean
  readonly reason: string | null
}

/** Dates an incremental action has not built yet (what a plain `run` would build). */
export interface MissingIntervals {
  readonly action: string
  readonly intervals: readonly DateInterval[]
  readonly days: number
}

/** What `status` could read from the warehouse; `busy` when another process holds it. */
export interface WarehouseStatus {
  readonly state: 'read' | 'busy' | 'unavailable'
  readonly message: string | null
}

export interface PipelineStatus {
  /** Runs whose process is alive, with their progress. */
  readonly running: readonly RunFile[]
  readonly recent: readonly RunLine[]
  readonly warehouse: WarehouseStatus
  /** Null when the warehouse could not be read. */
  readonly unverified: readonly UnverifiedInterval[] | null
  readonly missing: readonly MissingIntervals[] | null
  readonly pendingMigrations: readonly string[] | null
  readonly migrationProblems: readonly string[] | null
}

export interface StatusOptions {
  readonly runsDir: string
  readonly root: string
  readonly graph: CompiledGraph
  /** Open the warehouse without write access; throws when it cannot (held by a writer, missing). */
  readonly openReadOnly: () => Promise<Adapter>
  readonly today: IsoDate
  /** How many finished runs to list. Default 10. */
  readonly limit?: number
  readonly isAlive?: (pid: number, host: string) => boolean
}

/** Gather status without writing anything: run files first (always readable), then the warehouse if it opens. */
export async function collectStatus(options: StatusOptions): Promise<PipelineStatus> {
  const alive = options.isAlive ?? isProcessAlive
  const files = readRunFiles(options.runsDir, alive)
  const running = files.filter((f) => f.status === 'running')
  let adapter: Adapter
  try {
    adapter = await options.openReadOnly()
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)
    const busy = running.length > 0 || /lock/i.test(message)
    return {
      running,
      recent: mergeRuns(files, [], options.limit),
      warehouse: {
        state: busy ? 'busy' : 'unavailable',
        message: busy
          ? `held by ${running.map((r) => `${r.command} ${r.runId} (pid ${r.pid})`).join(', ') || 'another process'}; intervals and migrations show once it is free`
          : message,
      },
      unverified: null,
      missing: null,
      pendingMigrations: null,
      migrationProblems: null,
    }
  }
  try {
    const found = await readWarehouse(options, adapter, files, alive)
    return { ...found, running: [...running, ...runningElsewhere(found.recent, files)] }
  } finally {
    await adapter.close()
  }
}

async function readWarehouse(
  options: StatusOptions,
  adapter: Adapter,
  files: readonly RunFile[],
  alive: (pid: number, host: string) => boolean,
): Promise<Omit<PipelineStatus, 'running'>> {
  const { graph } = options
  const migrations = await migrationStatus(adapter, { root: options.root, stateDataset: graph.project.stateDataset })
  const pendingMigrations = migrations.entries.filter((e) => e.state === 'pending').map((e) => e.name)
  const migrationProblems = migrations.entries.flatMap((e) => (e.problem ? [e.problem] : []))
  const version = await readStateVersion(adapter, graph.project.stateDataset)
  const warehouse: WarehouseStatus = { state: 'read', message: null }
  if (version.version === 0 && !version.legacy)
    return {
      recent: mergeRuns(files, [], options.limit),
      warehouse,
      unverified: [],
      missing: await missingIntervals(options, adapter, null),
      pendingMigrations,
      migrationProblems,
    }
  const state = new StateStore(adapter, graph.project.stateDataset)
  const rows = (await state.recentRuns(options.limit ?? 10)).map((r) => ({
    ...r,
    status: r.status === 'running' && r.pid !== null && !alive(r.pid, r.host ?? '') ? 'interrupted' : r.status,
  }))
  return {
    recent: mergeRuns(files, rows, options.limit),
    warehouse,
    unverified: version.version >= 2 ? await state.unverifiedIntervals() : [],
    missing: await missingIntervals(options, adapter, state),
    pendingMigrations,
    migrationProblems,
  }
}

async function missingIntervals(
  options: StatusOptions,
  adapter: Adapter,
  state: StateStore | null,
): Promise<MissingIntervals[]> {
  const names = new Set(options.graph.actions.filter((a) => a.kind === 'incremental').map((a) => a.name))
  const recorded = state ?? { completedIntervalsOf: async () => new Map() }
  const plans = await planIntervals(options.graph, names, adapter, recorded, { today: options.today })
  return [...plans].flatMap(([action, plan]) => {
    const intervals = mergeIntervals(plan.batches)
    const days = intervals.reduce((n, i) => n + daysBetween(i.start, i.end), 0)
    return days > 0 ? [{ action, intervals, days }] : []
  })
}

/**
 * Runs the state tables record as running with no run file here: started on another machine (BigQuery
 * is shared), so only their identity is known, not their batches.
 */
function runningElsewhere(recent: readonly RunLine[], files: readonly RunFile[]): RunFile[] {
  const local = new Set(files.map((f) => f.runId))
  return recent
    .filter((r) => r.status === 'running' && !local.has(r.runId))
    .map((r) => ({
      runId: r.runId,
      command: r.command,
      status: 'running' as const,
      pid: 0,
      host: 'another host (no run file here)',
      startedAt: r.startedAt,
      buildCommitSha: r.buildCommitSha,
      mode: r.mode,
      skipAssertions: r.skipAssertions,
      reason: r.reason,
      progress: {
        actions: { done: 0, total: 0 },
        units: { done: 0, total: 0 },
        rows: 0,
        running: [],
        failed: [],
        elapsedMs: 0,
        eta: null,
        updatedAt: '',
      },
    }))
}

/** Runs by id, the file's view winning (it knows a killed run); newest first. */
function mergeRuns(files: readonly RunFile[], rows: readonly RunLine[], limit = 10): RunLine[] {
  const byId = new Map<string, RunLine>(rows.map((r) => [r.runId, r]))
  for (const f of files) {
    const row = byId.get(f.runId)
    byId.set(f.runId, {
      runId: f.runId,
      command: f.command,
      mode: f.mode,
      status: f.status,
      startedAt: f.startedAt,
      finishedAt: f.finishedAt ?? row?.finishedAt ?? null,
      buildCommitSha: f.buildCommitSha,
      skipAssertions: f.skipAssertions,
      reason: f.reason ?? row?.reason ?? null,
    })
  }
  return [...byId.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1)).slice(0, limit)
}

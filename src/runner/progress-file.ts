import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import type { DateInterval } from '../core/dates.js'
import type { RunEvent, RunResult } from './result.js'
import type { RunInfo } from './run-info.js'

/** Outcome of a run as its file records it; `interrupted` is only ever inferred by a reader. */
export type RunFileStatus = 'running' | 'succeeded' | 'failed' | 'interrupted'

/** An action being built right now. */
export interface RunningAction {
  readonly name: string
  /** Batches done and planned (0 of 0 for an action without date batches). */
  readonly batch: number
  readonly batches: number
  /** Last interval finished, if any. */
  readonly interval: DateInterval | null
  readonly rows: number
  readonly startedAt: string
}

/** What `<run_id>.json` holds while the run goes on; rewritten atomically (write, then rename). */
export interface RunProgress {
  readonly actions: { readonly done: number; readonly total: number }
  /** Units of work: one per date batch, one per action without batches. */
  readonly units: { readonly done: number; readonly total: number }
  readonly rows: number
  readonly running: readonly RunningAction[]
  readonly failed: readonly string[]
  readonly elapsedMs: number
  /** Estimated finish from the pace so far; null until one unit is done. */
  readonly eta: string | null
  readonly updatedAt: string
  /**
   * What the command does outside its actions, e.g. `start` applying migrations or seeding the sample
   * ("seeding: generating box scores"); absent or null while actions run.
   */
  readonly step?: string | null
}

/** The run file: identity, outcome and progress; the final RunResult fields are added when the run ends. */
export interface RunFile {
  readonly runId: string
  readonly command: string
  readonly status: RunFileStatus
  readonly pid: number
  readonly host: string
  readonly startedAt: string
  readonly finishedAt?: string
  readonly buildCommitSha: string
  readonly mode: string
  readonly skipAssertions: boolean
  readonly reason: string | null
  readonly progress: RunProgress
}

export interface ProgressFileOptions {
  readonly dir: string
  readonly run: RunInfo
  readonly command: string
  readonly skipAssertions: boolean
  readonly reason: string | null
  /** Clock; default Date.now. */
  readonly now?: () => number
}

/**
 * Writes `<dir>/<run_id>.json` as the run goes: at once for the plan and a failed action, otherwise at
 * most every 200 ms (the latest state, written when the 200 ms are up), and at the end.
 */
export interface ProgressFileWriter {
  readonly path: string
  onEvent(event: RunEvent): void
  /** Write the final file: the run's result with its outcome and last progress. */
  finish(result: RunResult): void
  /** The run stopped with an error before it could finish: record it as failed with the message. */
  abort(message: string): void
  /** Say what the command does outside its actions (null: back to the actions), written at once. */
  step(text: string | null): void
}

// Each write is a synchronous write and rename: on every event of a run with nothing to build (two
// per action) they were the largest cost of the process outside DuckDB.
const WRITE_EVERY_MS = 200

export function createProgressFile(options: ProgressFileOptions): ProgressFileWriter {
  const now = options.now ?? Date.now
  const path = join(options.dir, `${options.run.id}.json`)
  const started = Date.parse(options.run.startedAt)
  const unitsOf = new Map<string, number>()
  const running = new Map<string, RunningAction>()
  const failed: string[] = []
  let actions = { done: 0, total: 0 }
  let units = { done: 0, total: 0 }
  let rows = 0
  let step: string | null = null
  let lastWrite = 0
  let pending: ReturnType<typeof setTimeout> | null = null
  let closed = false
  const identity = {
    runId: options.run.id,
    command: options.command,
    pid: process.pid,
    host: hostname(),
    startedAt: options.run.startedAt,
    buildCommitSha: options.run.buildCommitSha,
    mode: options.run.mode,
    skipAssertions: options.skipAssertions,
    reason: options.reason,
  }
  const progress = (): RunProgress => {
    const at = now()
    const elapsedMs = Math.max(0, at - started)
    const eta =
      units.done > 0 && units.total > units.done
        ? new Date(at + (elapsedMs / units.done) * (units.total - units.done)).toISOString()
        : null
    return {
      actions,
      units,
      rows,
      running: [...running.values()],
      failed: [...failed],
      elapsedMs,
      eta,
      updatedAt: new Date(at).toISOString(),
      step,
    }
  }
  const write = (file: object) => {
    mkdirSync(options.dir, { recursive: true })
    // Rename is atomic on one filesystem: a reader sees the old file or the new one, never half of one.
    const temporary = `${path}.${process.pid}.tmp`
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`)
    renameSync(temporary, path)
    lastWrite = now()
  }
  const writeRunning = () => write({ ...identity, status: 'running', progress: progress() })
  /** Write now if the last write is 200 ms old, else once they are up (with the state then). */
  const writeSoon = () => {
    const wait = WRITE_EVERY_MS - (now() - lastWrite)
    if (wait <= 0) return writeRunning()
    if (pending) return
    pending = setTimeout(() => {
      pending = null
      if (!closed) writeRunning()
    }, wait)
    pending.unref()
  }
  const close = () => {
    closed = true
    if (pending) clearTimeout(pending)
    pending = null
  }
  writeRunning()
  return {
    path,
    onEvent(event) {
      switch (event.type) {
        case 'plan':
          for (const a of event.actions) unitsOf.set(a.name, Math.max(1, a.intervals.length))
          actions = { done: 0, total: event.actions.length }
          units = { done: 0, total: [...unitsOf.values()].reduce((n, u) => n + u, 0) }
          break
        case 'action-start':
          running.set(event.name, {
            name: event.name,
            batch: 0,
            batches: unitsOf.get(event.name) === 1 ? 0 : (unitsOf.get(event.name) ?? 0),
            interval: null,
            rows: 0,
            startedAt: new Date(now()).toISOString(),
          })
          return writeSoon()
        case 'batch': {
          const current = running.get(event.name)
          if (current)
            running.set(event.name, {
              ...current,
              batch: event.done,
              batches: event.total,
              interval: event.interval,
              rows: current.rows + event.rows,
            })
          rows += event.rows
          units = { ...units, done: units.done + 1 }
          return writeSoon()
        }
        case 'action-end': {
          const current = running.get(event.result.name)
          running.delete(event.result.name)
          const planned = unitsOf.get(event.result.name) ?? 1
          units = { ...units, done: units.done + Math.max(0, planned - (current?.batch ?? 0)) }
          actions = { ...actions, done: actions.done + 1 }
          if (event.result.status === 'failed') failed.push(event.result.name)
          if (event.result.intervals.length === 0 && event.result.rowsWritten !== null) rows += event.result.rowsWritten
          if (event.result.status !== 'failed') return writeSoon()
          break
        }
        case 'warning':
          return
      }
      writeRunning()
    },
    finish(result) {
      close()
      write({
        ...identity,
        ...result,
        status: result.ok ? 'succeeded' : 'failed',
        progress: { ...progress(), running: [], eta: null },
      })
    },
    step(text) {
      step = text
      if (!closed) writeRunning()
    },
    abort(message) {
      close()
      write({
        ...identity,
        status: 'failed',
        finishedAt: new Date(now()).toISOString(),
        error: message,
        progress: { ...progress(), eta: null },
      })
    },
  }
}

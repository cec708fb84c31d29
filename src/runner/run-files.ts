import { readdirSync, readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import type { RunFile } from './progress-file.js'

const interval = z.object({ start: z.string(), end: z.string() })

// Lenient on purpose: files of older builds lack fields; a reader must never fail on one odd file.
const runFileSchema = z.object({
  runId: z.string(),
  command: z.string().default('run'),
  status: z.enum(['running', 'succeeded', 'failed', 'interrupted']).optional(),
  ok: z.boolean().optional(),
  pid: z.number().int().default(0),
  host: z.string().default(''),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  buildCommitSha: z.string().default('unknown'),
  mode: z.string().default('daily'),
  skipAssertions: z.boolean().default(false),
  reason: z.string().nullable().default(null),
  progress: z
    .object({
      actions: z.object({ done: z.number(), total: z.number() }),
      units: z.object({ done: z.number(), total: z.number() }),
      rows: z.number(),
      running: z.array(
        z.object({
          name: z.string(),
          batch: z.number(),
          batches: z.number(),
          interval: interval.nullable(),
          rows: z.number(),
          startedAt: z.string(),
        }),
      ),
      failed: z.array(z.string()),
      elapsedMs: z.number(),
      eta: z.string().nullable(),
      updatedAt: z.string(),
      step: z.string().nullable().optional(),
    })
    .optional(),
})

/** Whether a process runs; on another host nobody can tell, so it counts as alive. */
export function isProcessAlive(pid: number, host: string): boolean {
  if (host && host !== hostname()) return true
  if (pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const EMPTY_PROGRESS: RunFile['progress'] = {
  actions: { done: 0, total: 0 },
  units: { done: 0, total: 0 },
  rows: 0,
  running: [],
  failed: [],
  elapsedMs: 0,
  eta: null,
  updatedAt: '',
}

/**
 * Every run file in `dir`, newest first. A run whose file says running but whose process is gone
 * (killed with kill -9, a crash) is `interrupted`. Unreadable files are skipped (a writer renames
 * complete files into place, so a half-written file is never seen).
 */
export function readRunFiles(dir: string, alive: (pid: number, host: string) => boolean = isProcessAlive): RunFile[] {
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'))
  } catch {
    return []
  }
  const files: RunFile[] = []
  for (const name of names) {
    let parsed: z.infer<typeof runFileSchema>
    try {
      parsed = runFileSchema.parse(JSON.parse(readFileSync(join(dir, name), 'utf8')))
    } catch {
      continue
    }
    const recorded = parsed.status ?? (parsed.ok === false ? 'failed' : 'succeeded')
    const status = recorded === 'running' && !alive(parsed.pid, parsed.host) ? 'interrupted' : recorded
    files.push({
      runId: parsed.runId,
      command: parsed.command,
      status,
      pid: parsed.pid,
      host: parsed.host,
      startedAt: parsed.startedAt,
      ...(parsed.finishedAt ? { finishedAt: parsed.finishedAt } : {}),
      buildCommitSha: parsed.buildCommitSha,
      mode: parsed.mode,
      skipAssertions: parsed.skipAssertions,
      reason: parsed.reason,
      progress: parsed.progress ?? EMPTY_PROGRESS,
    })
  }
  return files.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0))
}

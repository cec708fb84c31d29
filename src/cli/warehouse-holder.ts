import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'

/**
 * Who has a DuckDB warehouse file open for writing: a small JSON file beside it (`<warehouse>.holder`),
 * written once the file is open and removed when the command ends. DuckDB's lock error names only a PID;
 * this says which command and run it is. A holder left by a killed process is ignored: it is believed
 * only when its PID is the one DuckDB names.
 */
export interface WarehouseHolder {
  readonly pid: number
  readonly host: string
  /** CLI command, e.g. run, backfill, migrate up. */
  readonly command: string
  readonly runId: string | null
  /** ISO timestamp the file was opened. */
  readonly since: string
}

const written = new Set<string>()

export function holderPath(warehouse: string): string {
  return `${warehouse}.holder`
}

/** Record this process as the writer of `warehouse`; best effort (a read-only folder just loses the detail). */
export function writeHolder(warehouse: string, info: { command: string; runId: string | null; now: Date }): void {
  const holder: WarehouseHolder = {
    pid: process.pid,
    host: hostname(),
    command: info.command,
    runId: info.runId,
    since: info.now.toISOString(),
  }
  try {
    writeFileSync(holderPath(warehouse), `${JSON.stringify(holder)}\n`)
    written.add(warehouse)
  } catch {
    // The holder file only improves a message; never fail a command over it.
  }
}

/** Remove the holder files this process wrote (when the command ends). */
export function releaseHolders(): void {
  for (const warehouse of written) {
    if (readHolder(warehouse)?.pid === process.pid) rmSync(holderPath(warehouse), { force: true })
  }
  written.clear()
}

/** The recorded holder of `warehouse`, when there is a readable one. */
export function readHolder(warehouse: string): WarehouseHolder | null {
  try {
    const value = JSON.parse(readFileSync(holderPath(warehouse), 'utf8')) as Partial<WarehouseHolder>
    if (typeof value.pid !== 'number' || typeof value.command !== 'string') return null
    return {
      pid: value.pid,
      host: String(value.host ?? ''),
      command: value.command,
      runId: typeof value.runId === 'string' ? value.runId : null,
      since: String(value.since ?? ''),
    }
  } catch {
    return null
  }
}

/** "PID 123 (pipeline run, run 8f2c…, since 2026-…)": DuckDB's PID with what the holder file says of it. */
export function describeHolder(warehouse: string, pid: number | null): string {
  if (pid === null) return 'another process'
  const holder = readHolder(warehouse)
  if (!holder || holder.pid !== pid) return `PID ${pid}`
  const run = holder.runId ? `, run ${holder.runId}` : ''
  return `PID ${pid} ("pipeline ${holder.command}"${run}, since ${holder.since})`
}

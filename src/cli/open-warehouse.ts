import { existsSync } from 'node:fs'
import { PipelineError } from '../core/errors.js'
import type { Adapter } from '../engines/adapter.js'
import type { AdapterOptions } from '../engines/create-engine.js'
import type { CliContext, GlobalOptions } from './cli-context.js'
import { withKillSwitch } from './kill-switch.js'
import { describeHolder, writeHolder } from './warehouse-holder.js'
import { checkWarehousePath } from './warehouse-path.js'

/** Another process has the warehouse file open for writing: exit 1 ("busy, try later"), not bad usage. */
export class WarehouseBusyError extends PipelineError {
  readonly holderPid: number | null
  constructor(message: string, holderPid: number | null, cause: unknown) {
    super('warehouse-busy', message, { cause })
    this.holderPid = holderPid
  }
}

/** How a command opens the warehouse. */
export interface OpenWarehouseOptions extends AdapterOptions {
  /** The CLI command (recorded beside the file so a second process can name the holder). */
  readonly command: string
  /** The run this command writes, when it has one. */
  readonly runId?: string
  /**
   * Seconds to wait for a busy file when `--wait` is not given. Default 0 for writers (refuse at once),
   * `READ_WAIT_SECONDS` for read-only commands.
   */
  readonly defaultWaitSeconds?: number
}

/** Read-only commands wait this long for a writer before giving up (and say so while they wait). */
export const READ_WAIT_SECONDS = 10

// An embedded DuckDB file is open read-write in one process at a time; its error names the holder's PID.
const FILE_LOCKED = /could not set lock|conflicting lock/i
const POLL_MS = 250

/** True when `error` is DuckDB refusing a file another process holds. */
export function isFileLocked(error: unknown): boolean {
  return error instanceof Error && FILE_LOCKED.test(error.message)
}

/**
 * Check the warehouse path, then open it: read-only when the command only reads and the file exists.
 * While another process holds the file, wait up to `--wait` seconds (saying so on stderr), then refuse
 * with a WarehouseBusyError naming the holder and what to do.
 */
export async function openWarehouse(
  context: CliContext,
  globals: GlobalOptions,
  options: OpenWarehouseOptions,
): Promise<Adapter> {
  const isFile = globals.engine === 'duckdb' && globals.warehouse !== ':memory:'
  if (isFile) checkWarehousePath(globals.warehouse, { readOnly: options.readOnly ?? false })
  const readOnly = isFile && (options.readOnly ?? false) && existsSync(globals.warehouse)
  const { command, runId, defaultWaitSeconds, ...adapterOptions } = options
  const waitSeconds = globals.wait ?? defaultWaitSeconds ?? (options.readOnly ? READ_WAIT_SECONDS : 0)
  const deadline = Date.now() + waitSeconds * 1000
  let announced = false
  for (;;) {
    try {
      const adapter = await context.openAdapter(globals, { ...adapterOptions, readOnly })
      if (isFile && !readOnly) writeHolder(globals.warehouse, { command, runId: runId ?? null, now: context.now() })
      return withKillSwitch(adapter, context.env)
    } catch (error) {
      if (!isFile || !isFileLocked(error)) throw error
      const pid = Number(/PID (\d+)/.exec((error as Error).message)?.[1] ?? NaN)
      const holder = describeHolder(globals.warehouse, Number.isFinite(pid) ? pid : null)
      // A command given time to wait says so before it gives up, even when its first try alone (a slow
      // open on a loaded machine) used the time up.
      if (waitSeconds === 0 || (announced && Date.now() >= deadline))
        throw busyError(globals.warehouse, holder, waitSeconds, pid, error)
      if (!announced)
        context.io.stderr(
          `waiting for the warehouse "${globals.warehouse}": ${holder} has it open for writing (up to ${waitSeconds} s)\n`,
        )
      announced = true
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))))
    }
  }
}

function busyError(path: string, holder: string, waited: number, pid: number, cause: unknown): WarehouseBusyError {
  const after = waited > 0 ? ` (waited ${waited} s)` : ''
  return new WarehouseBusyError(
    `the warehouse "${path}" is busy: ${holder} has it open for writing${after}; let it finish and run the command again, or add --wait [SECONDS] to queue behind it`,
    Number.isFinite(pid) ? pid : null,
    cause,
  )
}

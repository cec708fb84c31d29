import { join, resolve } from 'node:path'
import { z } from 'zod'
import { ConfigError } from '../core/errors.js'
import { isIsoDate } from '../core/dates.js'
import type { CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import type { AdapterOptions } from '../engines/create-engine.js'
import { ENGINE_IDS } from '../engines/dialect.js'
import type { EngineId } from '../engines/dialect.js'
import { DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS, parseFlags, secondsFlag } from './flag-schemas.js'

/** Where output goes: stdout for results (JSON with --json), stderr for logs and progress. */
export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  /** True when stderr is an interactive terminal (live progress view). */
  readonly isTty: boolean
  /** Ask a question and read one answer line; absent when stdin is not a terminal (nobody to ask). */
  readonly prompt?: (question: string) => Promise<string>
}

/** Options every command accepts, resolved from flags and environment. */
export interface GlobalOptions {
  readonly engine: EngineId
  /** DuckDB file, or ':memory:'. */
  readonly warehouse: string
  readonly json: boolean
  /** Project root (definitions/, includes/, assertions/, migrations/). */
  readonly root: string
  /** `--wait [SECONDS]`: how long to queue behind another process holding the warehouse; null when not given. */
  readonly wait: number | null
}

/** What commands receive; everything with side effects is injected so commands are testable. */
export interface CliContext {
  readonly io: CliIo
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
  now(): Date
  /**
   * Open the engine adapter for these options (DuckDB file or BigQuery client). Commands that run
   * the pipeline pass the run's job labels, and `dryRun` when nothing may be written.
   */
  openAdapter(options: GlobalOptions, adapterOptions?: AdapterOptions): Promise<Adapter>
  /** Load and compile the project for the options' engine. */
  compile(options: GlobalOptions): Promise<CompiledGraph>
}

const engineSchema = z.enum(ENGINE_IDS)

/** Resolve global flags (already parsed by commander) with environment fallbacks. */
export function resolveGlobals(
  flags: { engine?: string; warehouse?: string; json?: boolean; project?: string; wait?: string | boolean },
  context: CliContext,
): GlobalOptions {
  const engine = engineSchema.safeParse(flags.engine ?? context.env.PIPELINE_ENGINE ?? 'duckdb')
  if (!engine.success)
    throw new ConfigError(
      `--engine "${flags.engine ?? context.env.PIPELINE_ENGINE}" is not an engine; use ${ENGINE_IDS.join(' or ')}`,
    )
  if (flags.project !== undefined && flags.project.trim() === '')
    throw new ConfigError('--project is empty; give the project folder, e.g. --project . (or leave the flag out)')
  const root = resolve(context.cwd, flags.project || context.env.PIPELINE_PROJECT || '.')
  if (flags.warehouse !== undefined && flags.warehouse.trim() === '')
    throw new ConfigError(
      '--warehouse is empty; give a DuckDB file path, e.g. --warehouse .pipeline/warehouse.duckdb, or --warehouse :memory:',
    )
  const warehouse = flags.warehouse || context.env.PIPELINE_WAREHOUSE || join(root, '.pipeline', 'warehouse.duckdb')
  return {
    engine: engine.data,
    warehouse: warehouse === ':memory:' ? warehouse : resolve(context.cwd, warehouse),
    json: flags.json ?? false,
    root,
    wait: parseWait(flags.wait),
  }
}

/** `--wait` alone waits DEFAULT_WAIT_SECONDS; `--wait N` waits N seconds (0 to MAX_WAIT_SECONDS). */
function parseWait(value: string | boolean | undefined): number | null {
  if (value === undefined || value === false) return null
  if (value === true) return DEFAULT_WAIT_SECONDS
  return parseFlags(z.strictObject({ wait: secondsFlag(MAX_WAIT_SECONDS, '--wait 60') }), { wait: value }).wait ?? null
}

/** A --from/--to date, validated before it reaches any SQL (as a parameter). */
export function parseDateFlag(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (!isIsoDate(value))
    throw new ConfigError(`${flag} "${value}" is not a date; use YYYY-MM-DD, e.g. ${flag} 2026-01-09`)
  return value
}

export function parseDateRange(from: string | undefined, to: string | undefined): { from?: string; to?: string } {
  const range = { from: parseDateFlag('--from', from), to: parseDateFlag('--to', to) }
  if (range.from && range.to && range.from > range.to) {
    throw new ConfigError(`--from ${range.from} is after --to ${range.to}; swap them (both dates are inclusive)`)
  }
  return { ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) }
}

export function splitList(value: string | undefined): string[] {
  return value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : []
}

/** Exit codes of DESIGN.md §8. */
/** Exit codes of DESIGN.md §8; a busy warehouse (held by another process) is `failed`: try again later. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import type { Adapter, Row, Statement, StatementOptions } from '../engines/adapter.js'
import type { Target } from '../engines/dialect.js'
import type { StepRole } from './steps.js'

/** What a statement was for; `state` is bookkeeping (run, interval, check-result rows). */
export type ProfileKind = StepRole

/** One statement (or one transaction) as the engine saw it. */
export interface ProfileEntry {
  /** sha256 of the statement text (a transaction: its statements joined), 16 hex digits. */
  readonly hash: string
  readonly kind: ProfileKind
  /** The action the statement belongs to; null for run-level statements (planning, run rows). */
  readonly action: string | null
  /** The step's label, or the statement's first words. */
  readonly label: string
  /** Milliseconds since the profile began. */
  readonly startMs: number
  /** Wall time of the call, including any wait for the adapter's write queue. */
  readonly durationMs: number
  /** Rows returned (queries) or changed (statements), when the engine reports them. */
  readonly rows: number | null
  /** Statements sent (more than 1 for a transaction). */
  readonly statements: number
}

/** Time per kind of statement. */
export interface ProfileKindTotal {
  readonly kind: ProfileKind
  readonly count: number
  readonly ms: number
}

/** `run --profile`: every statement, totals per kind, the slowest, and how much of the run was real work. */
export interface RunProfile {
  readonly wallMs: number
  readonly statementMs: number
  /** Time covered by stage and write statements (overlaps counted once). */
  readonly realWorkMs: number
  /** 1 − realWorkMs / wallMs: planning, checks, bookkeeping, introspection, the engine itself. */
  readonly outsideRealWorkShare: number
  readonly byKind: readonly ProfileKindTotal[]
  readonly slowest: readonly ProfileEntry[]
  readonly entries: readonly ProfileEntry[]
}

/** Kinds that are the actions' own work; everything else is overhead of checking and keeping state. */
const REAL_WORK: ReadonlySet<ProfileKind> = new Set(['stage', 'write'])
const SLOWEST = 10

interface Scope {
  readonly kind: ProfileKind
  readonly action: string | null
  readonly label: string | null
}

/** Records the statements sent through an adapter it wraps; scopes say what each statement was for. */
export class Profiler {
  readonly #scope = new AsyncLocalStorage<Scope>()
  readonly #entries: ProfileEntry[] = []
  readonly #origin = performance.now()

  /** Run `work` with its statements attributed to `kind` (and the action and step label, when given). */
  inScope<T>(scope: { kind: ProfileKind; action?: string; label?: string }, work: () => Promise<T>): Promise<T> {
    return this.#scope.run({ kind: scope.kind, action: scope.action ?? null, label: scope.label ?? null }, work)
  }

  /** An adapter that sends everything to `adapter` and records each call. */
  wrap(adapter: Adapter): Adapter {
    const timed = <T>(
      sql: string,
      statements: number,
      kind: ProfileKind | null,
      call: () => Promise<T>,
      rows: (r: T) => number | null,
    ) => this.#time(sql, statements, kind, call, rows)
    const describeRelations = adapter.describeRelations?.bind(adapter)
    return {
      engine: adapter.engine,
      dialect: adapter.dialect,
      execute: (sql: string, options?: StatementOptions) =>
        timed(
          sql,
          1,
          null,
          () => adapter.execute(sql, options),
          (r) => r.rowsChanged,
        ),
      query: <T extends Row = Row>(sql: string, options?: StatementOptions) =>
        timed(
          sql,
          1,
          null,
          () => adapter.query<T>(sql, options),
          (r) => r.length,
        ),
      transaction: (statements: readonly Statement[]) =>
        timed(
          statements.map((s) => s.sql).join(';\n'),
          statements.length,
          null,
          () => adapter.transaction(statements),
          () => null,
        ),
      estimateBytes: (sql: string, options?: StatementOptions) => adapter.estimateBytes(sql, options),
      ...(adapter.describeLayout ? { describeLayout: adapter.describeLayout.bind(adapter) } : {}),
      copyTable: (from: Target, to: Target, options?: StatementOptions) =>
        timed(
          `copy ${from.dataset}.${from.name} to ${to.dataset}.${to.name}`,
          1,
          null,
          () => adapter.copyTable(from, to, options),
          () => null,
        ),
      tableExists: (target: Target) =>
        timed(
          `table exists ${target.dataset}.${target.name}`,
          1,
          'introspection',
          () => adapter.tableExists(target),
          () => null,
        ),
      describeTable: (target: Target) =>
        timed(
          `describe ${target.dataset}.${target.name}`,
          1,
          'introspection',
          () => adapter.describeTable(target),
          (r) => r?.length ?? null,
        ),
      ...(describeRelations
        ? {
            describeRelations: (targets: readonly Target[]) =>
              timed(
                `describe ${targets.length} relations`,
                1,
                'introspection',
                () => describeRelations(targets),
                (r) => r.size,
              ),
          }
        : {}),
      describeQuery: (sql: string, options?: StatementOptions) =>
        timed(
          sql,
          1,
          'introspection',
          () => adapter.describeQuery(sql, options),
          (r) => r.length,
        ),
      close: () => adapter.close(),
    }
  }

  async #time<T>(
    sql: string,
    statements: number,
    kind: ProfileKind | null,
    call: () => Promise<T>,
    rows: (r: T) => number | null,
  ): Promise<T> {
    const scope = this.#scope.getStore()
    const started = performance.now()
    const result = await call()
    const ended = performance.now()
    this.#entries.push({
      hash: createHash('sha256').update(sql).digest('hex').slice(0, 16),
      kind: kind ?? scope?.kind ?? 'state',
      action: scope?.action ?? null,
      label: scope?.label ?? firstWords(sql),
      startMs: round(started - this.#origin),
      durationMs: round(ended - started),
      rows: rows(result),
      statements,
    })
    return result
  }

  /** The profile so far; wall time runs from the profiler's creation until now. */
  summary(): RunProfile {
    const wallMs = round(performance.now() - this.#origin)
    const entries = [...this.#entries]
    const totals = new Map<ProfileKind, { count: number; ms: number }>()
    for (const e of entries) {
      const t = totals.get(e.kind) ?? { count: 0, ms: 0 }
      totals.set(e.kind, { count: t.count + 1, ms: t.ms + e.durationMs })
    }
    const realWorkMs = round(coveredMs(entries.filter((e) => REAL_WORK.has(e.kind))))
    return {
      wallMs,
      statementMs: round(entries.reduce((n, e) => n + e.durationMs, 0)),
      realWorkMs,
      outsideRealWorkShare: wallMs > 0 ? round(Math.max(0, 1 - realWorkMs / wallMs), 3) : 0,
      byKind: [...totals].map(([kind, t]) => ({ kind, count: t.count, ms: round(t.ms) })).sort((a, b) => b.ms - a.ms),
      slowest: [...entries].sort((a, b) => b.durationMs - a.durationMs).slice(0, SLOWEST),
      entries,
    }
  }
}

/** Length of the union of the entries' [start, start + duration) spans. */
export function coveredMs(entries: readonly Pick<ProfileEntry, 'startMs' | 'durationMs'>[]): number {
  const spans = entries.map((e) => [e.startMs, e.startMs + e.durationMs] as const).sort((a, b) => a[0] - b[0])
  let total = 0
  let end = -Infinity
  for (const [s, e] of spans) {
    if (e <= end) continue
    total += e - Math.max(s, end)
    end = e
  }
  return total
}

function firstWords(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().slice(0, 60)
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** Lines for the run summary: where the time went, the slowest statements. */
export function formatProfile(profile: RunProfile): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
  const lines = [
    `profile: ${s(profile.wallMs)} wall, ${s(profile.statementMs)} in statements; real work (stage, write) ${s(profile.realWorkMs)}, ${(profile.outsideRealWorkShare * 100).toFixed(0)} % of the run outside it`,
    ...profile.byKind.map(
      (k) => `  ${k.kind.padEnd(14)} ${String(k.count).padStart(6)} statements ${s(k.ms).padStart(10)}`,
    ),
    'slowest statements:',
    ...profile.slowest.map(
      (e) =>
        `  ${s(e.durationMs).padStart(9)} ${e.kind.padEnd(13)} ${(e.action ?? '(run)').padEnd(30)} ${e.label.slice(0, 50).padEnd(50)} ${e.hash}${e.rows === null ? '' : ` ${e.rows} rows`}`,
    ),
  ]
  return `${lines.join('\n')}\n`
}

import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { sql } from 'kysely'
import type { Compilable } from 'kysely'
import type { Adapter, ParamValue } from '../engines/adapter.js'
import type { Dialect, Target } from '../engines/dialect.js'
import { createQueryBuilder } from '../state/query-builder.js'
import type { StateDatabase } from '../state/state-schema.js'
import { STATE_TABLES } from '../state/state-tables.js'

/** A lease on one name in pipeline_state.locks. */
export interface LeaseOptions {
  /** Lock name (one row per name), e.g. 'schema_migrations'. */
  readonly name: string
  /** Who holds it; default `host:pid:random`, printed to whoever has to wait. */
  readonly owner?: string
  /** Lease length; an expired lease can be taken over. Default 15 minutes. */
  readonly ttlMs?: number
  /** How long `acquire` keeps trying while another owner holds the lease. Default 10 s. */
  readonly waitMs?: number
  /** Pause between attempts. Default 250 ms. */
  readonly pollMs?: number
  /** Clock (tests); every timestamp is UTC. */
  readonly now?: () => Date
}

/** Who holds a lease and until when (null: free). */
export interface LeaseHolder {
  readonly owner: string
  readonly expiresAt: string
}

const FREE_OWNER = ''
const EPOCH = '1970-01-01T00:00:00.000Z'
// Write-write conflicts between concurrent transactions (DuckDB) or DML jobs (BigQuery): retry.
const CONFLICT = /conflict|concurrent update|serialize access|could not serialize/i

export function defaultLockOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
}

export function isConflict(error: unknown): boolean {
  return CONFLICT.test(error instanceof Error ? error.message : String(error))
}

/** Values a lease statement binds by name (see `LeaseLock`). */
type LeaseParam = 'lock_name' | 'owner' | 'free_owner' | 'epoch' | 'now' | 'expires_at'

/**
 * Lease SQL for a dialect, typed with Kysely over the locks table and compiled once: values are
 * bound by name on each attempt (`lock_name`, `owner`, `free_owner`, `epoch`, `now`, `expires_at`).
 * Insert-if-absent creates a free row per name; taking the lease is one UPDATE of every row of the
 * name guarded by "no unexpired row of another owner", so two concurrent takers write the same
 * rows and the engine lets only one commit (DuckDB raises a write-write conflict; BigQuery
 * serializes or aborts concurrent UPDATEs on a table).
 */
export function leaseStatements(dialect: Dialect, stateDataset: string) {
  const { db } = createQueryBuilder<StateDatabase>(dialect)
  const locks = db.withSchema(stateDataset)
  // The dialect's typed placeholder: BigQuery would otherwise bind an ISO string as STRING.
  const bound = (name: LeaseParam, type: 'STRING' | 'TIMESTAMP' = 'STRING') =>
    sql.raw<string>(dialect.param(name, type))
  const seed = db.selectNoFrom(sql.lit(1).as('one')).as('seed')
  return {
    createTable: dialect.createTable(locksTarget(stateDataset), locksColumns()),
    insertFree: namedText(
      locks
        .insertInto('locks')
        .columns(['name', 'owner', 'acquired_at', 'expires_at'])
        .expression((eb) =>
          eb
            .selectFrom(seed)
            .select([
              bound('lock_name').as('name'),
              bound('free_owner').as('owner'),
              bound('epoch', 'TIMESTAMP').as('acquired_at'),
              bound('epoch', 'TIMESTAMP').as('expires_at'),
            ])
            .where(({ not, exists, selectFrom }) =>
              not(exists(selectFrom('locks').select(sql.lit(1).as('one')).where('name', '=', bound('lock_name')))),
            ),
        ),
    ),
    take: namedText(
      locks
        .updateTable('locks')
        .set({
          owner: bound('owner'),
          acquired_at: bound('now', 'TIMESTAMP'),
          expires_at: bound('expires_at', 'TIMESTAMP'),
        })
        .where('name', '=', bound('lock_name'))
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('locks as other')
                .select(sql.lit(1).as('one'))
                .where('other.name', '=', bound('lock_name'))
                .where('other.owner', '<>', bound('owner'))
                .where('other.expires_at', '>', bound('now', 'TIMESTAMP')),
            ),
          ),
        ),
    ),
    holders: namedText(
      locks
        .selectFrom('locks')
        .select(['owner', 'expires_at'])
        .where('name', '=', bound('lock_name'))
        .where('expires_at', '>', bound('now', 'TIMESTAMP'))
        .orderBy('expires_at', 'desc'),
    ),
    renew: namedText(
      locks
        .updateTable('locks')
        .set({ expires_at: bound('expires_at', 'TIMESTAMP') })
        .where('name', '=', bound('lock_name'))
        .where('owner', '=', bound('owner')),
    ),
    release: namedText(
      locks
        .updateTable('locks')
        .set({ expires_at: bound('now', 'TIMESTAMP') })
        .where('name', '=', bound('lock_name'))
        .where('owner', '=', bound('owner')),
    ),
  }
}

/** SQL text of a query whose values are all named placeholders (no positional parameter to bind). */
function namedText(query: Compilable): string {
  const compiled = query.compile()
  if (compiled.parameters.length > 0) throw new Error(`lease SQL has unnamed parameters: ${compiled.sql}`)
  return compiled.sql
}

export function locksTarget(stateDataset: string): Target {
  return { dataset: stateDataset, name: 'locks' }
}

function locksColumns() {
  const spec = STATE_TABLES.locks
  if (!spec) throw new Error('STATE_TABLES has no "locks" table')
  return spec.columns
}

/** A lease in pipeline_state.locks: atomic take-if-free on DuckDB and BigQuery alike; expired leases are taken over. */
export class LeaseLock {
  readonly owner: string
  readonly #adapter: Adapter
  readonly #sql: ReturnType<typeof leaseStatements>
  readonly #name: string
  readonly #ttlMs: number
  readonly #waitMs: number
  readonly #pollMs: number
  readonly #now: () => Date

  constructor(adapter: Adapter, stateDataset: string, options: LeaseOptions) {
    this.#adapter = adapter
    this.#sql = leaseStatements(adapter.dialect, stateDataset)
    this.#name = options.name
    this.owner = options.owner ?? defaultLockOwner()
    this.#ttlMs = options.ttlMs ?? 15 * 60_000
    this.#waitMs = options.waitMs ?? 10_000
    this.#pollMs = options.pollMs ?? 250
    this.#now = options.now ?? (() => new Date())
  }

  /** Take the lease, waiting up to `waitMs`; returns null on success, else who holds it. */
  async acquire(): Promise<LeaseHolder | null> {
    const deadline = Date.now() + this.#waitMs
    let holder: LeaseHolder | null = null
    for (;;) {
      try {
        holder = await this.#attempt()
        if (holder === null) return null
      } catch (error) {
        if (!isConflict(error)) throw error
      }
      if (Date.now() >= deadline)
        return holder ?? (await this.#holder()) ?? { owner: 'unknown (conflicting writers)', expiresAt: '' }
      await sleep(Math.min(this.#pollMs, Math.max(0, deadline - Date.now())) + Math.floor(Math.random() * 25))
    }
  }

  /** Extend the lease; false when it was lost (expired and taken over). */
  async renew(): Promise<boolean> {
    const now = this.#now()
    await retryConflicts(() =>
      this.#adapter.execute(this.#sql.renew, { params: this.#params(now), label: 'renew lease' }),
    )
    return (await this.#holders(now)).some((h) => h.owner === this.owner)
  }

  async release(): Promise<void> {
    await retryConflicts(() =>
      this.#adapter.execute(this.#sql.release, { params: this.#params(this.#now()), label: 'release lease' }),
    )
  }

  async #attempt(): Promise<LeaseHolder | null> {
    const now = this.#now()
    const params = this.#params(now)
    await this.#adapter.execute(this.#sql.insertFree, { params, label: 'lease row' })
    await this.#adapter.execute(this.#sql.take, { params, label: 'take lease' })
    const holders = await this.#holders(now)
    const others = holders.filter((h) => h.owner !== this.owner)
    if (holders.length > others.length && others.length === 0) return null
    // Never keep a half-taken lease: give ours back and report the other owner.
    if (holders.length > others.length) await this.release()
    return others[0] ?? { owner: 'unknown', expiresAt: '' }
  }

  async #holder(): Promise<LeaseHolder | null> {
    return (await this.#holders(this.#now()))[0] ?? null
  }

  async #holders(now: Date): Promise<LeaseHolder[]> {
    const rows = await this.#adapter.query<{ owner: string; expires_at: string }>(this.#sql.holders, {
      params: this.#params(now),
      label: 'lease holders',
    })
    return rows.filter((r) => r.owner !== FREE_OWNER).map((r) => ({ owner: r.owner, expiresAt: String(r.expires_at) }))
  }

  #params(now: Date): Record<string, ParamValue> {
    return {
      lock_name: this.#name,
      owner: this.owner,
      free_owner: FREE_OWNER,
      epoch: EPOCH,
      now: now.toISOString(),
      expires_at: new Date(now.getTime() + this.#ttlMs).toISOString(),
    }
  }
}

/** Run work that concurrent writers may race on (CREATE … IF NOT EXISTS, lease updates), retrying write-write conflicts. */
export async function retryConflicts<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (!isConflict(error) || attempt >= 20) throw error
      await sleep(20 + Math.floor(Math.random() * 30))
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

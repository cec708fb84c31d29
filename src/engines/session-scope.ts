import { AsyncLocalStorage } from 'node:async_hooks'

/** A pooled connection as a session holds it: how to get one, and how to give it back. */
export interface SessionPool<C> {
  acquire(): Promise<C>
  release(connection: C): void
}

interface Held {
  readonly connection: Promise<unknown>
  readonly release: () => void
  /** The last call sent on the connection; the next waits for it (one statement at a time per connection). */
  tail: Promise<unknown>
}

/**
 * The connections one `inSession` call holds, one per pool (adapter). An adapter with a connection pool
 * asks `currentSession()` before it picks a connection: inside a session, every statement goes through
 * the same connection, so connection-private objects (DuckDB's TEMP tables) stay visible to the
 * statements after the one that made them.
 */
export class Session {
  readonly #held = new Map<object, Held>()

  /** Run `work` on this session's connection of `pool`, after the session's earlier calls on it. */
  run<C, T>(pool: object & SessionPool<C>, work: (connection: C) => Promise<T>): Promise<T> {
    let held = this.#held.get(pool)
    if (!held) {
      const connection = pool.acquire()
      held = {
        connection,
        release: () => void connection.then((c) => pool.release(c)).catch(() => undefined),
        tail: connection,
      }
      this.#held.set(pool, held)
    }
    const { connection } = held
    const next = held.tail.then(
      async () => work((await connection) as C),
      async () => work((await connection) as C),
    )
    held.tail = next.catch(() => undefined)
    return next
  }

  /** Give every held connection back to its pool, once its last call settled. */
  async close(): Promise<void> {
    const held = [...this.#held.values()]
    this.#held.clear()
    for (const h of held) {
      await h.tail.catch(() => undefined)
      h.release()
    }
  }
}

const SESSIONS = new AsyncLocalStorage<Session>()

/**
 * Run `work` with every statement it sends through a pooled adapter on one connection of that adapter,
 * held until `work` settles (nested calls share the outer session). Engines without connections
 * (BigQuery) are unaffected.
 */
export async function inSession<T>(work: () => Promise<T>): Promise<T> {
  if (SESSIONS.getStore()) return work()
  const session = new Session()
  try {
    return await SESSIONS.run(session, work)
  } finally {
    await session.close()
  }
}

/** The session the caller runs in, if any. */
export function currentSession(): Session | undefined {
  return SESSIONS.getStore()
}

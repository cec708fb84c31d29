/**
 * Which BigQuery failures are worth another job: BigQuery's own advice for rateLimitExceeded,
 * backendError and internalError is to retry with exponential backoff, and a transaction aborted by a
 * concurrent update applied nothing and may simply be run again. Everything else is final.
 */
const TRANSIENT_REASONS = new Set(['rateLimitExceeded', 'backendError', 'internalError', 'jobBackendError'])
const CONCURRENT_UPDATE =
  /could not serialize access to .* due to concurrent update|transaction is aborted due to concurrent update/i

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  readonly attempts: number
  /** Delay before the first retry, doubled each time, with up to 50% jitter added (default 1 s). */
  readonly initialDelayMs: number
  /** Longest delay between attempts (default 32 s). */
  readonly maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 1000, maxDelayMs: 32_000 }

/** A retry the adapter made: what failed, the attempt that follows, and how long it waited. */
export interface RetryEvent {
  readonly label: string
  readonly reason: string
  readonly jobId?: string
  /** The attempt about to run (2 for the first retry). */
  readonly attempt: number
  readonly delayMs: number
}

interface ErrorShape {
  readonly message?: unknown
  readonly errors?: readonly { readonly reason?: unknown; readonly message?: unknown }[]
}

/** The transient reason of a failed job (`rateLimitExceeded`, `concurrentUpdate`, ...), or null when it is final. */
export function transientReason(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null
  const shape = error as ErrorShape
  for (const e of shape.errors ?? []) {
    if (typeof e.reason === 'string' && TRANSIENT_REASONS.has(e.reason)) return e.reason
    if (typeof e.message === 'string' && CONCURRENT_UPDATE.test(e.message)) return 'concurrentUpdate'
  }
  if (typeof shape.message === 'string' && CONCURRENT_UPDATE.test(shape.message)) return 'concurrentUpdate'
  return null
}

/** Exponential backoff with jitter: initial × 2^(retry-1), capped, plus up to half of it at random. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (retry - 1))
  return Math.round(base + base * 0.5 * random())
}

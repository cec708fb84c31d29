import { BigQueryApiError } from './errors.js'

/**
 * Faults the endpoint injects on request, each consumed by the next matching job:
 * - `http`: jobs.insert answers 429/500/503 and creates nothing;
 * - `lostResponse`: the job is created and run, then the connection is dropped, so the client's retry of
 *   the same job id gets 409 duplicate;
 * - `jobError`: the job ends DONE with errorResult rateLimitExceeded / backendError / internalError, nothing applied;
 * - `concurrentUpdate`: the job fails with "Could not serialize access…" or "Transaction is aborted…", nothing applied;
 * - `resultsError`: the job succeeds (its writes stay), then jobs.getQueryResults answers 500 backendError;
 * - `pending`: jobs.getQueryResults answers `jobComplete: false` for that many polls.
 */
export type Fault =
  | { readonly kind: 'http'; readonly status: 429 | 500 | 503 }
  | { readonly kind: 'lostResponse' }
  | { readonly kind: 'jobError'; readonly reason: 'rateLimitExceeded' | 'backendError' | 'internalError' }
  | { readonly kind: 'concurrentUpdate'; readonly variant: 'serialize' | 'transactionAborted' }
  | { readonly kind: 'resultsError' }
  | { readonly kind: 'pending'; readonly polls: number }

export interface FaultOptions {
  /** How many matching jobs it hits (default 1). */
  readonly times?: number
  /** Only jobs whose SQL contains this text (default: every job). */
  readonly match?: string
}

interface Armed {
  readonly fault: Fault
  remaining: number
  readonly match?: string
}

/** Faults waiting to fire, and a log of those that fired (tests read it). */
export class Faults {
  readonly #armed: Armed[] = []
  readonly fired: Fault[] = []

  inject(fault: Fault, options: FaultOptions = {}): void {
    this.#armed.push({ fault, remaining: options.times ?? 1, ...(options.match ? { match: options.match } : {}) })
  }

  /** Disarms every fault and forgets those that fired. */
  clear(): void {
    this.#armed.length = 0
    this.fired.length = 0
  }

  /** Takes the next armed fault of one of `kinds` matching `sql`. */
  take<K extends Fault['kind']>(kinds: readonly K[], sql: string): Extract<Fault, { kind: K }> | undefined {
    const found = this.#armed.find(
      (a) => (kinds as readonly string[]).includes(a.fault.kind) && (!a.match || sql.includes(a.match)),
    )
    if (!found) return undefined
    found.remaining -= 1
    if (found.remaining <= 0) this.#armed.splice(this.#armed.indexOf(found), 1)
    this.fired.push(found.fault)
    return found.fault as Extract<Fault, { kind: K }>
  }
}

const HTTP_REASONS: Record<number, { reason: 'rateLimitExceeded' | 'backendError'; message: string }> = {
  429: { reason: 'rateLimitExceeded', message: 'Exceeded rate limits: too many api requests per user per method' },
  500: { reason: 'backendError', message: 'Backend error. Retrying may solve the problem.' },
  503: { reason: 'backendError', message: 'The service is currently unavailable.' },
}

export function httpFaultError(status: 429 | 500 | 503): BigQueryApiError {
  const { reason, message } = HTTP_REASONS[status] as (typeof HTTP_REASONS)[number]
  return new BigQueryApiError(reason, message, status)
}

const JOB_ERRORS = {
  rateLimitExceeded:
    'Exceeded rate limits: too many table update operations for this table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
  backendError: 'Error encountered during execution. Retrying may solve the problem.',
  internalError:
    'An internal error occurred and the request could not be completed. This is usually caused by a transient issue. Retrying the job with back-off as described in the BigQuery SLA should solve the problem: https://cloud.google.com/bigquery/sla.',
} as const

export function jobFaultError(fault: Fault, table: string): BigQueryApiError | undefined {
  if (fault.kind === 'jobError') return new BigQueryApiError(fault.reason, JOB_ERRORS[fault.reason])
  if (fault.kind === 'concurrentUpdate')
    return new BigQueryApiError(
      'invalidQuery',
      fault.variant === 'serialize'
        ? `Could not serialize access to table ${table} due to concurrent update`
        : `Transaction is aborted due to concurrent update against table ${table}.`,
    )
  return undefined
}

/** Parses `--fault kind[:arg][xN][@match]` / BIGQUERY_LOCAL_FAULTS (comma separated) for main.ts. */
export function parseFaultSpec(spec: string): { fault: Fault; options: FaultOptions } {
  const m = /^([a-zA-Z]+)(?::([a-zA-Z]+|\d+))?(?:x(\d+))?(?:@(.+))?$/.exec(spec.trim())
  if (!m) throw new Error(`Fault "${spec}" is not kind[:arg][xN][@match]; e.g. http:503x2 or jobError:backendError`)
  const [, kind, arg, times, match] = m
  const fault = faultOf(kind ?? '', arg)
  return { fault, options: { ...(times ? { times: Number(times) } : {}), ...(match ? { match } : {}) } }
}

function faultOf(kind: string, arg: string | undefined): Fault {
  if (kind === 'http' && (arg === '429' || arg === '500' || arg === '503')) return { kind, status: Number(arg) as 429 }
  if (kind === 'lostResponse' || kind === 'resultsError') return { kind }
  if (kind === 'jobError' && (arg === 'rateLimitExceeded' || arg === 'backendError' || arg === 'internalError'))
    return { kind, reason: arg }
  if (kind === 'concurrentUpdate' && (arg === 'serialize' || arg === 'transactionAborted'))
    return { kind, variant: arg }
  if (kind === 'pending') return { kind, polls: Number(arg ?? 1) }
  throw new Error(
    `Unknown fault "${kind}${arg ? `:${arg}` : ''}"; use http:429|500|503, lostResponse, jobError:<reason>, concurrentUpdate:serialize|transactionAborted, resultsError or pending:N`,
  )
}

/**
 * Errors in BigQuery's REST shape: `{ error: { code, message, errors: [{ reason, message, location? }] } }`.
 * The client turns that body into an ApiError whose `code`, `message` and `errors[0].reason` tests assert on.
 */
export type BigQueryReason =
  | 'invalidQuery'
  | 'invalid'
  | 'notFound'
  | 'duplicate'
  | 'rateLimitExceeded'
  | 'backendError'
  | 'internalError'
  | 'badRequest'
  | 'resourcesExceeded'

const STATUS: Record<BigQueryReason, number> = {
  invalidQuery: 400,
  invalid: 400,
  badRequest: 400,
  resourcesExceeded: 400,
  notFound: 404,
  duplicate: 409,
  rateLimitExceeded: 403,
  backendError: 500,
  internalError: 500,
}

export interface ErrorProto {
  readonly reason: BigQueryReason
  readonly message: string
  readonly location?: string
}

export class BigQueryApiError extends Error {
  readonly reason: BigQueryReason
  readonly status: number

  constructor(reason: BigQueryReason, message: string, status = STATUS[reason]) {
    super(message)
    this.name = 'BigQueryApiError'
    this.reason = reason
    this.status = status
  }

  get proto(): ErrorProto {
    return { reason: this.reason, message: this.message }
  }

  /** The HTTP body BigQuery sends for a failed call. */
  body(): { error: { code: number; message: string; errors: ErrorProto[]; status: string } } {
    return {
      error: { code: this.status, message: this.message, errors: [this.proto], status: statusName(this.status) },
    }
  }
}

function statusName(status: number): string {
  if (status === 404) return 'NOT_FOUND'
  if (status === 409) return 'ALREADY_EXISTS'
  if (status === 403) return 'PERMISSION_DENIED'
  if (status >= 500) return 'INTERNAL'
  return 'INVALID_ARGUMENT'
}

export function invalidQuery(message: string): BigQueryApiError {
  return new BigQueryApiError('invalidQuery', message)
}

export function notFound(message: string): BigQueryApiError {
  return new BigQueryApiError('notFound', message)
}

/** Any thrown value as a BigQuery error; DuckDB's own failures become invalidQuery with DuckDB's text. */
export function asApiError(error: unknown): BigQueryApiError {
  if (error instanceof BigQueryApiError) return error
  const message = error instanceof Error ? error.message : String(error)
  return invalidQuery(`Local BigQuery (DuckDB): ${message}`)
}

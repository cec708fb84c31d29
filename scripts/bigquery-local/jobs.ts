import { randomUUID } from 'node:crypto'
import type { Catalog } from './catalog.js'
import { BigQueryApiError, asApiError, notFound } from './errors.js'
import type { Executor, QueryOutcome } from './executor.js'
import type { Faults } from './faults.js'
import { httpFaultError, jobFaultError } from './faults.js'
import { checkLabels, checkParameters } from './rules.js'
import type { QueryParameter } from './translate.js'
import { encodeRow } from './values.js'
import type { CopyConfiguration } from './copy-jobs.js'
import { copyText } from './copy-jobs.js'

/** The body of jobs.insert, as far as the endpoint reads it. */
export interface JobInsertBody {
  jobReference?: { projectId?: string; jobId?: string; location?: string }
  configuration?: {
    query?: { query?: string; queryParameters?: QueryParameter[]; parameterMode?: string; useLegacySql?: boolean }
    copy?: CopyConfiguration
    dryRun?: boolean
    labels?: Record<string, string>
    jobTimeoutMs?: string
  }
}

interface JobRecord {
  readonly id: string
  readonly location: string
  readonly body: JobInsertBody
  readonly creationTime: number
  endTime?: number
  outcome?: QueryOutcome
  error?: BigQueryApiError
  done: Promise<void>
  pendingPolls: number
  resultsFault: boolean
}

export interface InsertResult {
  readonly resource: Record<string, unknown>
  /** Drop the connection instead of answering (the lost-response fault). */
  readonly dropResponse: boolean
}

/** jobs.insert / jobs.get / jobs.getQueryResults over the executor, with faults applied. */
/** Jobs inserted for one value of the `command` label: query jobs, dry runs and copy jobs. */
export interface JobTally {
  query: number
  dryRun: number
  copy: number
}

export class Jobs {
  readonly #jobs = new Map<string, JobRecord>()
  /** Jobs inserted, by their `command` label (retries included), for job-count measurements. */
  readonly tally = new Map<string, JobTally>()
  readonly #catalog: Catalog
  readonly #executor: Executor
  readonly #faults: Faults
  readonly #pageSize: number

  readonly #copy: (copy: CopyConfiguration) => Promise<void>

  constructor(
    catalog: Catalog,
    executor: Executor,
    faults: Faults,
    pageSize: number,
    copy: (copy: CopyConfiguration) => Promise<void>,
  ) {
    this.#catalog = catalog
    this.#executor = executor
    this.#faults = faults
    this.#pageSize = pageSize
    this.#copy = copy
  }

  #count(config: NonNullable<JobInsertBody['configuration']>): void {
    const command = config.labels?.command ?? '(no command label)'
    const tally = this.tally.get(command) ?? { query: 0, dryRun: 0, copy: 0 }
    if (config.copy) tally.copy++
    else if (config.dryRun) tally.dryRun++
    else tally.query++
    this.tally.set(command, tally)
  }

  async insert(body: JobInsertBody): Promise<InsertResult> {
    const config = body.configuration ?? {}
    this.#count(config)
    if (config.copy) return this.#insertCopy(body, config.copy)
    const sql = config.query?.query
    if (typeof sql !== 'string')
      throw new BigQueryApiError('invalid', 'Only query and copy jobs are supported by the local BigQuery endpoint')
    if (config.query?.useLegacySql)
      throw new BigQueryApiError('invalid', 'Legacy SQL is not supported; use standard SQL')
    checkLabels(config.labels)
    checkParameters(config.query?.queryParameters, config.query?.parameterMode)
    const location = body.jobReference?.location ?? this.#catalog.location
    const id = body.jobReference?.jobId ?? `job_${randomUUID().replaceAll('-', '_')}`
    if (config.dryRun) return { resource: await this.#dryRun(body, id, location, sql), dropResponse: false }
    if (this.#jobs.has(id))
      throw new BigQueryApiError('duplicate', `Already Exists: Job ${this.#catalog.project}:${location}.${id}`)
    const http = this.#faults.take(['http'], sql)
    if (http) throw httpFaultError(http.status)
    const record = this.#start(body, id, location, sql)
    const lost = this.#faults.take(['lostResponse'], sql)
    if (record.pendingPolls === 0 || lost) await record.done
    return { resource: this.resource(record), dropResponse: Boolean(lost) }
  }

  #start(body: JobInsertBody, id: string, location: string, sql: string): JobRecord {
    const pending = this.#faults.take(['pending'], sql)
    const record: JobRecord = {
      id,
      location,
      body,
      creationTime: Date.now(),
      done: Promise.resolve(),
      pendingPolls: pending?.polls ?? 0,
      resultsFault: false,
    }
    this.#jobs.set(id, record)
    const jobFault = this.#faults.take(['jobError', 'concurrentUpdate'], sql)
    record.done = (async () => {
      try {
        if (jobFault) {
          record.error = jobFault && jobFaultError(jobFault, this.#firstTable(sql))
          return
        }
        const params = body.configuration?.query?.queryParameters ?? []
        record.outcome = await this.#executor.run({ query: sql, params, dryRun: false })
        record.resultsFault = Boolean(this.#faults.take(['resultsError'], sql))
      } catch (error) {
        record.error = asApiError(error)
      } finally {
        record.endTime = Date.now()
      }
    })()
    return record
  }

  /** A copy job: faults apply as to a query job whose text is `COPY d.src TO d.dest`. */
  async #insertCopy(body: JobInsertBody, copy: CopyConfiguration): Promise<InsertResult> {
    checkLabels(body.configuration?.labels)
    const location = body.jobReference?.location ?? this.#catalog.location
    const id = body.jobReference?.jobId ?? `job_${randomUUID().replaceAll('-', '_')}`
    if (this.#jobs.has(id))
      throw new BigQueryApiError('duplicate', `Already Exists: Job ${this.#catalog.project}:${location}.${id}`)
    const text = copyText(copy)
    const http = this.#faults.take(['http'], text)
    if (http) throw httpFaultError(http.status)
    const record: JobRecord = {
      id,
      location,
      body,
      creationTime: Date.now(),
      done: Promise.resolve(),
      pendingPolls: 0,
      resultsFault: false,
    }
    this.#jobs.set(id, record)
    const jobFault = this.#faults.take(['jobError', 'concurrentUpdate'], text)
    record.done = (async () => {
      try {
        if (jobFault)
          record.error = jobFaultError(
            jobFault,
            this.#firstTable(`\`${copy.destinationTable?.datasetId}.${copy.destinationTable?.tableId}\``),
          )
        else await this.#copy(copy)
      } catch (error) {
        record.error = asApiError(error)
      } finally {
        record.endTime = Date.now()
      }
    })()
    await record.done
    return { resource: this.resource(record), dropResponse: false }
  }

  #firstTable(sql: string): string {
    const match = /`([^`]+)`/.exec(sql)
    const parts = match?.[1]?.split('.') ?? []
    return parts.length >= 2
      ? `${this.#catalog.project}:${parts.slice(-2).join('.')}`
      : `${this.#catalog.project}:table`
  }

  async #dryRun(body: JobInsertBody, id: string, location: string, sql: string): Promise<Record<string, unknown>> {
    const params = body.configuration?.query?.queryParameters ?? []
    const outcome = await this.#executor.run({ query: sql, params, dryRun: true })
    const record: JobRecord = {
      id,
      location,
      body,
      creationTime: Date.now(),
      endTime: Date.now(),
      outcome,
      done: Promise.resolve(),
      pendingPolls: 0,
      resultsFault: false,
    }
    return this.resource(record)
  }

  get(id: string): Record<string, unknown> {
    const record = this.#require(id)
    return this.resource(record)
  }

  #require(id: string): JobRecord {
    const record = this.#jobs.get(id)
    if (!record) throw notFound(`Not found: Job ${this.#catalog.project}:${this.#catalog.location}.${id}`)
    return record
  }

  /** jobs.getQueryResults: `jobComplete: false` while pending, the job's error, or a page of rows. */
  async results(id: string, query: URLSearchParams): Promise<Record<string, unknown>> {
    const record = this.#require(id)
    const reference = { projectId: this.#catalog.project, jobId: id, location: record.location }
    if (record.pendingPolls > 0) {
      record.pendingPolls -= 1
      return { kind: 'bigquery#getQueryResultsResponse', jobReference: reference, jobComplete: false }
    }
    await record.done
    if (record.error) throw record.error
    if (record.resultsFault) {
      record.resultsFault = false
      throw new BigQueryApiError('backendError', 'Error encountered during execution. Retrying may solve the problem.')
    }
    return this.#page(record, reference, query)
  }

  #page(record: JobRecord, reference: object, query: URLSearchParams): Record<string, unknown> {
    const outcome = record.outcome as QueryOutcome
    const result = outcome.result
    const start = Number(query.get('pageToken') ?? query.get('startIndex') ?? 0)
    const size = Number(query.get('maxResults') ?? this.#pageSize)
    const int64Timestamp = query.get('formatOptions.useInt64Timestamp') === 'true'
    const rows = (result?.rows ?? []).slice(start, start + size)
    const next = start + rows.length
    return {
      kind: 'bigquery#getQueryResultsResponse',
      jobReference: reference,
      jobComplete: true,
      cacheHit: false,
      totalBytesProcessed: String(outcome.totalBytesProcessed),
      ...(result ? { schema: { fields: result.schema } } : {}),
      ...(result ? { rows: rows.map((r) => encodeRow(r, result.schema, { int64Timestamp })) } : {}),
      totalRows: String(result?.rows.length ?? 0),
      ...(result && next < result.rows.length ? { pageToken: String(next) } : {}),
      ...(outcome.numDmlAffectedRows !== undefined ? { numDmlAffectedRows: String(outcome.numDmlAffectedRows) } : {}),
    }
  }

  /** The Job resource BigQuery returns from jobs.insert and jobs.get. */
  resource(record: JobRecord): Record<string, unknown> {
    const running = record.endTime === undefined || record.pendingPolls > 0
    const outcome = record.outcome
    const bytes = String(outcome?.totalBytesProcessed ?? 0)
    const status = running
      ? { state: 'RUNNING' }
      : record.error
        ? { state: 'DONE', errorResult: record.error.proto, errors: [record.error.proto] }
        : { state: 'DONE' }
    return {
      kind: 'bigquery#job',
      id: `${this.#catalog.project}:${record.location}.${record.id}`,
      jobReference: { projectId: this.#catalog.project, jobId: record.id, location: record.location },
      configuration: { ...record.body.configuration, jobType: record.body.configuration?.copy ? 'COPY' : 'QUERY' },
      status,
      statistics: {
        creationTime: String(record.creationTime),
        startTime: String(record.creationTime),
        ...(running ? {} : { endTime: String(record.endTime) }),
        ...(outcome && !running ? { totalBytesProcessed: bytes, query: queryStatistics(outcome, bytes) } : {}),
        ...(outcome?.childJobs ? { numChildJobs: String(outcome.childJobs) } : {}),
      },
    }
  }
}

function queryStatistics(outcome: QueryOutcome, bytes: string): Record<string, unknown> {
  return {
    totalBytesProcessed: bytes,
    totalBytesBilled: bytes,
    statementType: outcome.statementType,
    cacheHit: false,
    ...(outcome.numDmlAffectedRows !== undefined ? { numDmlAffectedRows: String(outcome.numDmlAffectedRows) } : {}),
    ...(outcome.schema ? { schema: { fields: outcome.schema } } : {}),
    ...(outcome.result && !outcome.schema ? { schema: { fields: outcome.result.schema } } : {}),
  }
}

import { AdapterError } from '../../core/errors.js'
import { relationKey, usedParams } from '../adapter.js'
import type {
  Adapter,
  LiveColumn,
  LiveLayout,
  LiveRelation,
  ParamValue,
  Row,
  Statement,
  StatementOptions,
} from '../adapter.js'
import type { Dialect, Target } from '../dialect.js'
import { sanitizeLabel, sanitizeLabels } from '../job-labels.js'
import type { JobLabels } from '../job-labels.js'
import { createBigQueryDialect } from './bigquery-dialect.js'
import type {
  BigQueryClient,
  BigQueryField,
  BigQueryJob,
  BigQueryJobRequest,
  BigQueryTableMetadata,
} from './bigquery-client.js'
import { DEFAULT_RETRY, backoffDelay, transientReason } from './bigquery-retry.js'
import type { RetryEvent, RetryPolicy } from './bigquery-retry.js'

export interface BigQueryAdapterOptions {
  readonly project: string
  readonly location?: string
  /** Labels on every job (app, run id, build sha, mode), sanitised to BigQuery's label rules; each job adds `action`. */
  readonly labels?: JobLabels
  /** Send every job as a dry run and add up the bytes it would scan. */
  readonly dryRun?: boolean
  /** Every job id starts with it (default `pipeline_`), so a project's jobs can be found by prefix. */
  readonly jobPrefix?: string
  /** A job that would bill more bytes fails instead (BigQuery's `maximumBytesBilled`). */
  readonly maximumBytesBilled?: number
  /** BigQuery cancels a job that runs longer (`jobTimeoutMs`). */
  readonly jobTimeoutMs?: number
  /** Retries of transient job failures (rateLimitExceeded, backendError, concurrent update). */
  readonly retry?: Partial<RetryPolicy>
  /** Told about every retry, before its wait. */
  readonly onRetry?: (event: RetryEvent) => void
  /** Waits between retries (tests pass one that does not sleep). */
  readonly sleep?: (ms: number) => Promise<void>
}

const DEFAULT_JOB_PREFIX = 'pipeline_'
/** tables.get requests describeRelations keeps in flight at once. */
const TABLES_GET_AT_ONCE = 16
const CREATE_SCHEMA = /^CREATE SCHEMA IF NOT EXISTS `[^`]+`( OPTIONS \(location = '[^']*'\))?$/
const JOB_PREFIX = /^[A-Za-z0-9_-]{1,200}$/

/** BigQuery through an injected client: parameters by name, labels on every job, retries, optional dry runs. */
export class BigQueryAdapter implements Adapter {
  readonly engine = 'bigquery' as const
  readonly dialect: Dialect
  readonly #client: BigQueryClient
  readonly #options: BigQueryAdapterOptions
  readonly #retry: RetryPolicy
  /** Bytes the dry-run jobs would have processed. */
  dryRunBytes = 0
  /** Every retry this adapter made, in order. */
  readonly retries: RetryEvent[] = []
  /** `CREATE SCHEMA IF NOT EXISTS` statements that succeeded: a dataset is created once per run, not once per action. */
  readonly #schemasCreated = new Map<string, Promise<unknown>>()

  constructor(client: BigQueryClient, options: BigQueryAdapterOptions) {
    if (options.jobPrefix !== undefined && !JOB_PREFIX.test(options.jobPrefix))
      throw new Error(`job id prefix "${options.jobPrefix}" may hold only letters, digits, _ and -`)
    this.#client = client
    this.#options = options
    this.#retry = { ...DEFAULT_RETRY, ...options.retry }
    this.dialect = createBigQueryDialect({
      project: options.project,
      ...(options.location ? { location: options.location } : {}),
    })
  }

  #request(sql: string, options: StatementOptions | undefined, dryRun: boolean): BigQueryJobRequest {
    const params = usedParams(sql, options?.params, '@')
    const o = this.#options
    return {
      query: sql,
      useLegacySql: false,
      ...(o.location ? { location: o.location } : {}),
      ...(Object.keys(params).length ? { params: nonNull(params), types: paramTypes(params) } : {}),
      labels: labelsFor(o.labels, options?.label),
      jobPrefix: o.jobPrefix ?? DEFAULT_JOB_PREFIX,
      ...(dryRun ? { dryRun: true } : {}),
      ...(o.maximumBytesBilled !== undefined && !dryRun
        ? { maximumBytesBilled: String(Math.trunc(o.maximumBytesBilled)) }
        : {}),
      ...(o.jobTimeoutMs !== undefined ? { jobTimeoutMs: o.jobTimeoutMs } : {}),
    }
  }

  /**
   * One job, run to completion: a transient failure (the job failed and applied nothing) runs the
   * statement again as a new job, after an exponential backoff; a failed results call of a job that
   * succeeded only fetches the results again, so a write is never applied twice.
   */
  async #run(sql: string, options: StatementOptions | undefined, dryRun: boolean): Promise<JobOutcome> {
    const request = this.#request(sql, options, dryRun)
    for (let attempt = 1; ; attempt++) {
      let job: BigQueryJob | undefined
      try {
        ;[job] = await this.#client.createQueryJob(request)
        if (dryRun) return { job, rows: [], affected: undefined }
        return await this.#results(job)
      } catch (error) {
        const reason = transientReason(error)
        const jobId = job?.id ?? failedJobId(error)
        if (reason === null || attempt >= this.#retry.attempts) throw new AdapterError('bigquery', sql, error, jobId)
        const delayMs = backoffDelay(this.#retry, attempt)
        const event: RetryEvent = {
          label: options?.label ?? 'statement',
          reason,
          ...(jobId ? { jobId } : {}),
          attempt: attempt + 1,
          delayMs,
        }
        this.retries.push(event)
        this.#options.onRetry?.(event)
        await (this.#options.sleep ?? sleep)(delayMs)
      }
    }
  }

  async #results(job: BigQueryJob): Promise<JobOutcome> {
    try {
      const [rows, , response] = await job.getQueryResults()
      return { job, rows, affected: affectedRows(response) ?? job.metadata?.statistics?.query?.numDmlAffectedRows }
    } catch (error) {
      // The job may have succeeded and only the results call failed: never run its write again.
      const [metadata] = await job.getMetadata().catch(() => [undefined] as const)
      if (metadata?.status?.state !== 'DONE' || metadata.status.errorResult) throw error
      const [rows, , response] = await job.getQueryResults()
      return { job, rows, affected: affectedRows(response) ?? metadata.statistics?.query?.numDmlAffectedRows }
    }
  }

  async execute(sql: string, options?: StatementOptions): Promise<{ rowsChanged: number }> {
    const dryRun = this.#options.dryRun ?? false
    if (!dryRun && CREATE_SCHEMA.test(sql)) {
      // Actions running at once share the one job; a failed one is tried again by the next caller.
      const created = this.#schemasCreated.get(sql) ?? this.#run(sql, options, false)
      this.#schemasCreated.set(sql, created)
      await created.catch((error: unknown) => {
        this.#schemasCreated.delete(sql)
        throw error
      })
      return { rowsChanged: 0 }
    }
    const { job, affected } = await this.#run(sql, options, dryRun)
    if (dryRun) {
      this.dryRunBytes += bytesOf(job)
      return { rowsChanged: 0 }
    }
    return { rowsChanged: Number(affected ?? 0) }
  }

  async query<T extends Row = Row>(sql: string, options?: StatementOptions): Promise<T[]> {
    const { rows } = await this.#run(sql, options, false)
    return rows.map(plainRow) as T[]
  }

  /** Bytes a statement would process, from a dry-run job: nothing runs, nothing is billed. */
  async estimateBytes(sql: string, options?: StatementOptions): Promise<number> {
    const { job } = await this.#run(sql, options, true)
    return bytesOf(job)
  }

  /** One multi-statement script: BigQuery commits all of it or none. */
  async transaction(statements: readonly Statement[]): Promise<void> {
    // One statement is atomic on its own (and DDL may not run inside a BigQuery transaction).
    if (statements.length === 1) {
      const [only] = statements as [Statement]
      await this.execute(only.sql, only)
      return
    }
    const params: Record<string, ParamValue> = {}
    for (const s of statements) Object.assign(params, s.params ?? {})
    const [script] = this.dialect.transaction(statements.map((s) => s.sql))
    await this.execute(script as string, { params, label: statements[0]?.label ?? 'transaction' })
  }

  /** Copy a table over another (a copy job, WRITE_TRUNCATE): the swap of a rebuilt table, billed no bytes. */
  async copyTable(from: Target, to: Target, options?: StatementOptions): Promise<void> {
    const o = this.#options
    const ref = (t: Target) => ({ projectId: o.project, datasetId: t.dataset, tableId: t.name })
    const description = `COPY ${this.dialect.formatTarget(from)} TO ${this.dialect.formatTarget(to)}`
    if (o.dryRun) return
    await this.#dropOnLayoutChange(from, to, options)
    for (let attempt = 1; ; attempt++) {
      try {
        const [job] = await this.#client.createJob({
          configuration: {
            copy: {
              sourceTable: ref(from),
              destinationTable: ref(to),
              writeDisposition: 'WRITE_TRUNCATE',
              createDisposition: 'CREATE_IF_NEEDED',
            },
            labels: labelsFor(o.labels, options?.label),
            ...(o.jobTimeoutMs !== undefined ? { jobTimeoutMs: String(o.jobTimeoutMs) } : {}),
          },
          ...(o.location ? { location: o.location } : {}),
          jobPrefix: o.jobPrefix ?? DEFAULT_JOB_PREFIX,
        })
        await job.promise()
        await this.#keepForever(to)
        return
      } catch (error) {
        const reason = transientReason(error)
        if (reason === null || attempt >= this.#retry.attempts) throw new AdapterError('bigquery', description, error)
        const delayMs = backoffDelay(this.#retry, attempt)
        const event: RetryEvent = { label: options?.label ?? 'copy', reason, attempt: attempt + 1, delayMs }
        this.retries.push(event)
        o.onRetry?.(event)
        await (o.sleep ?? sleep)(delayMs)
      }
    }
  }

  /**
   * A copy job cannot change the partitioning of the table it overwrites ("Incompatible table partitioning
   * specification"), nor can CREATE OR REPLACE ("Cannot replace a table with a different partitioning
   * spec. Instead, DROP the table, and then recreate it"): when the rebuilt table's layout differs, the
   * published one is dropped first, BigQuery's documented path (readers see no table for the copy's time).
   */
  async #dropOnLayoutChange(from: Target, to: Target, options: StatementOptions | undefined): Promise<void> {
    const current = await this.describeLayout(to)
    if (!current) return
    const next = await this.describeLayout(from)
    if (!next || sameLayout(current, next)) return
    await this.execute(this.dialect.dropTable(to), { label: options?.label ?? 'drop before a layout change' })
  }

  /** Partitioning and clustering from the tables API (tables.get). */
  async describeLayout(target: Target): Promise<LiveLayout | null> {
    const metadata = await this.#tableMetadata(target)
    return metadata ? layoutOf(metadata) : null
  }

  /** A published table never inherits the expiration of the staging table it was copied from. */
  async #keepForever(target: Target): Promise<void> {
    const metadata = await this.#tableMetadata(target)
    if (metadata?.expirationTime)
      await this.#client.dataset(target.dataset).table(target.name).setMetadata({ expirationTime: null })
  }

  async tableExists(target: Target): Promise<boolean> {
    return (await this.#tableMetadata(target)) !== null
  }

  /** The tables API (tables.get): a missing dataset or table is a 404, not a failed billed query. */
  async describeTable(target: Target): Promise<LiveColumn[] | null> {
    const metadata = await this.#tableMetadata(target)
    return metadata ? columnsOf(metadata) : null
  }

  /**
   * tables.get for every target at once: dataset-scoped INFORMATION_SCHEMA would be one query, but it
   * fails on a dataset that does not exist yet (and bills a scan); a 404 here is just a missing table.
   */
  async describeRelations(targets: readonly Target[]): Promise<Map<string, LiveRelation | null>> {
    const pending = [...new Map(targets.map((t) => [relationKey(t), t])).values()]
    const found = new Map<string, LiveRelation | null>()
    // At most TABLES_GET_AT_ONCE requests in flight: a 10,000-action project stays under the API's rate limit.
    const worker = async () => {
      for (let target = pending.shift(); target; target = pending.shift()) {
        const metadata = await this.#tableMetadata(target)
        found.set(relationKey(target), metadata ? { columns: columnsOf(metadata), layout: layoutOf(metadata) } : null)
      }
    }
    await Promise.all(Array.from({ length: Math.min(TABLES_GET_AT_ONCE, pending.length) }, worker))
    return found
  }

  async #tableMetadata(target: Target): Promise<BigQueryTableMetadata | null> {
    try {
      const [metadata] = await this.#client.dataset(target.dataset).table(target.name).getMetadata()
      return metadata
    } catch (error) {
      if (isNotFound(error)) return null
      throw new AdapterError('bigquery', `tables.get ${target.dataset}.${target.name}`, error)
    }
  }

  async describeQuery(sql: string, options?: StatementOptions): Promise<LiveColumn[]> {
    const { job } = await this.#run(sql, options, true)
    return (job.metadata?.statistics?.query?.schema?.fields ?? []).map((f) => ({
      name: f.name,
      type: fieldType(f),
      nullable: f.mode !== 'REQUIRED',
    }))
  }

  async close(): Promise<void> {}
}

interface JobOutcome {
  readonly job: BigQueryJob
  readonly rows: Record<string, unknown>[]
  readonly affected: string | undefined
}

function columnsOf(metadata: BigQueryTableMetadata): LiveColumn[] {
  return (metadata.schema?.fields ?? []).map((f) => ({
    name: f.name,
    type: fieldType(f),
    nullable: f.mode !== 'REQUIRED' && f.mode !== 'REPEATED',
  }))
}

function layoutOf(metadata: BigQueryTableMetadata): LiveLayout {
  return {
    partitionBy: metadata.timePartitioning ? (metadata.timePartitioning.field ?? '_PARTITIONTIME') : null,
    clusterBy: [...(metadata.clustering?.fields ?? [])],
  }
}

/** Same partition column and clustering columns (names compared case-insensitively, as BigQuery does). */
export function sameLayout(a: LiveLayout, b: LiveLayout): boolean {
  const key = (l: LiveLayout) =>
    JSON.stringify([l.partitionBy?.toLowerCase() ?? null, l.clusterBy.map((c) => c.toLowerCase())])
  return key(a) === key(b)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function bytesOf(job: BigQueryJob): number {
  const stats = job.metadata?.statistics
  return Number(stats?.totalBytesProcessed ?? stats?.query?.totalBytesProcessed ?? 0)
}

function affectedRows(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null || !('numDmlAffectedRows' in response)) return undefined
  const value = response.numDmlAffectedRows
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
}

/** The id of the job a client error is about (a failed job's resource rides on the error). */
function failedJobId(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined
  const response = error.response
  if (typeof response !== 'object' || response === null || !('jobReference' in response)) return undefined
  const reference = response.jobReference
  if (typeof reference !== 'object' || reference === null || !('jobId' in reference)) return undefined
  return typeof reference.jobId === 'string' ? reference.jobId : undefined
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 404
}

function nonNull(params: Record<string, ParamValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v]))
}

/** Types for every parameter: required for NULLs; CASTs in the SQL give DATE/TIMESTAMP meaning. */
function paramTypes(params: Record<string, ParamValue>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [
      k,
      typeof v === 'boolean' ? 'BOOL' : typeof v === 'number' ? (Number.isInteger(v) ? 'INT64' : 'FLOAT64') : 'STRING',
    ]),
  )
}

function labelsFor(base: JobLabels | undefined, action: string | undefined): Record<string, string> {
  const labels = sanitizeLabels(base ?? {})
  if (action) labels.action = sanitizeLabel(action)
  return labels
}

function fieldType(field: BigQueryField): string {
  const base =
    field.type === 'RECORD' || field.type === 'STRUCT'
      ? `STRUCT<${(field.fields ?? []).map((f) => `${f.name} ${fieldType(f)}`).join(', ')}>`
      : field.precision !== undefined && /NUMERIC$/.test(field.type)
        ? `${field.type}(${field.precision}${field.scale !== undefined ? `, ${field.scale}` : ''})`
        : (({ INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' } as Record<string, string>)[field.type] ??
          field.type)
  return field.mode === 'REPEATED' ? `ARRAY<${base}>` : base
}

/** BigQuery's client wraps DATE/TIMESTAMP/NUMERIC in objects with a `value`; flatten them. */
function plainRow(row: Record<string, unknown>): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plainValue(v)]))
}

function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (Array.isArray(value)) return value.map(plainValue)
  if (typeof value === 'object') {
    if ('value' in value && Object.keys(value).length === 1) {
      const inner = (value as { value: unknown }).value
      return typeof inner === 'string' && /^-?\d+(\.\d+)?$/.test(inner) && !/^\d{4}-/.test(inner)
        ? Number(inner)
        : inner
    }
    if (typeof (value as { toNumber?: unknown }).toNumber === 'function')
      return (value as { toNumber: () => number }).toNumber()
    return plainRow(value as Record<string, unknown>)
  }
  return value
}

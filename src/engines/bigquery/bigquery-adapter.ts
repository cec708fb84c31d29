import { AdapterError } from '../../core/errors.js'
import { usedParams } from '../adapter.js'
import type { Adapter, LiveColumn, ParamValue, Row, Statement, StatementOptions } from '../adapter.js'
import type { Dialect, Target } from '../dialect.js'
import { sanitizeLabel, sanitizeLabels } from '../job-labels.js'
import type { JobLabels } from '../job-labels.js'
import { createBigQueryDialect } from './bigquery-dialect.js'
import type { BigQueryClient, BigQueryField, BigQueryJob, BigQueryJobRequest } from './bigquery-client.js'

export interface BigQueryAdapterOptions {
  readonly project: string
  readonly location?: string
  /** Labels on every job (app, run id, build sha, mode), sanitised to BigQuery's label rules; each job adds `action`. */
  readonly labels?: JobLabels
  /** Send every job as a dry run and add up the bytes it would scan. */
  readonly dryRun?: boolean
}

/** BigQuery through an injected client: parameters by name, labels on every job, optional dry runs. */
export class BigQueryAdapter implements Adapter {
  readonly engine = 'bigquery' as const
  readonly dialect: Dialect
  readonly #client: BigQueryClient
  readonly #options: BigQueryAdapterOptions
  /** Bytes the dry-run jobs would have processed. */
  dryRunBytes = 0

  constructor(client: BigQueryClient, options: BigQueryAdapterOptions) {
    this.#client = client
    this.#options = options
    this.dialect = createBigQueryDialect({
      project: options.project,
      ...(options.location ? { location: options.location } : {}),
    })
  }

  async #job(sql: string, options?: StatementOptions, dryRun = this.#options.dryRun ?? false): Promise<BigQueryJob> {
    const params = usedParams(sql, options?.params, '@')
    const request: BigQueryJobRequest = {
      query: sql,
      useLegacySql: false,
      ...(this.#options.location ? { location: this.#options.location } : {}),
      ...(Object.keys(params).length ? { params: nonNull(params), types: paramTypes(params) } : {}),
      labels: labelsFor(this.#options.labels, options?.label),
      ...(dryRun ? { dryRun: true } : {}),
    }
    try {
      const [job] = await this.#client.createQueryJob(request)
      if (dryRun) this.dryRunBytes += Number(job.metadata?.statistics?.totalBytesProcessed ?? 0)
      return job
    } catch (error) {
      throw new AdapterError('bigquery', sql, error)
    }
  }

  async execute(sql: string, options?: StatementOptions): Promise<{ rowsChanged: number }> {
    const job = await this.#job(sql, options)
    if (this.#options.dryRun) return { rowsChanged: 0 }
    await this.#results(job, sql)
    return { rowsChanged: Number(job.metadata?.statistics?.query?.numDmlAffectedRows ?? 0) }
  }

  async query<T extends Row = Row>(sql: string, options?: StatementOptions): Promise<T[]> {
    const job = await this.#job(sql, options, false)
    return (await this.#results(job, sql)).map(plainRow) as T[]
  }

  async #results(job: BigQueryJob, sql: string): Promise<Record<string, unknown>[]> {
    try {
      const [rows] = await job.getQueryResults()
      return rows
    } catch (error) {
      throw new AdapterError('bigquery', sql, error, job.id)
    }
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

  async tableExists(target: Target): Promise<boolean> {
    return (await this.describeTable(target)) !== null
  }

  async describeTable(target: Target): Promise<LiveColumn[] | null> {
    const schema = this.dialect.quoteIdentifier(`${this.#options.project}.${target.dataset}`)
    const rows = await this.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM ${schema}.INFORMATION_SCHEMA.COLUMNS WHERE table_name = @table ORDER BY ordinal_position`,
      { params: { table: target.name } },
    )
    if (rows.length === 0) return null
    return rows.map((r) => ({ name: r.column_name, type: r.data_type, nullable: r.is_nullable === 'YES' }))
  }

  async describeQuery(sql: string, options?: StatementOptions): Promise<LiveColumn[]> {
    const job = await this.#job(sql, options, true)
    return (job.metadata?.statistics?.query?.schema?.fields ?? []).map((f) => ({
      name: f.name,
      type: fieldType(f),
      nullable: f.mode !== 'REQUIRED',
    }))
  }

  async close(): Promise<void> {}
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
      : (({ INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' } as Record<string, string>)[field.type] ?? field.type)
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

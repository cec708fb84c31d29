import { ConfigError } from '../core/errors.js'
import type { Adapter } from './adapter.js'
import type { BigQueryClient } from './bigquery/bigquery-client.js'
import type { Dialect, EngineId } from './dialect.js'
import type { JobLabels } from './job-labels.js'
import type { RetryEvent } from './bigquery/bigquery-retry.js'

/** How the adapter sends jobs; engines without these features ignore them. */
export interface AdapterOptions {
  /** Labels on every BigQuery job (app, command, run id, build sha, mode); sanitised by the adapter. */
  readonly labels?: JobLabels
  /** BigQuery: send statements as dry-run jobs (nothing written) and add up the bytes they would scan. */
  readonly dryRun?: boolean
  /** DuckDB: open the file read-only (status and reports from another terminal). */
  readonly readOnly?: boolean
  /** BigQuery: a job that would bill more bytes fails instead. */
  readonly maximumBytesBilled?: number
  /** BigQuery: jobs running longer are cancelled. */
  readonly jobTimeoutMs?: number
  /** BigQuery: every job id starts with it. */
  readonly jobPrefix?: string
  /** Told about every retried job (a transient error), before the wait. */
  readonly onRetry?: (event: RetryEvent) => void
}

export interface EngineOptions extends AdapterOptions {
  readonly engine: EngineId
  /** DuckDB file, or ':memory:'. */
  readonly warehouse: string
}

/** What a caller may inject instead of the vendor client (tests: a recording BigQuery client). */
export interface EngineDeps {
  readonly bigQueryClient?: BigQueryClient
}

/** The engine's dialect alone (compile, `migrate plan`): no client, no connection, works offline. */
export async function createDialect(engine: EngineId, env: NodeJS.ProcessEnv): Promise<Dialect> {
  if (engine === 'duckdb') return (await import('./duckdb/duckdb-dialect.js')).duckDbDialect
  const { createBigQueryDialect } = await import('./bigquery/bigquery-dialect.js')
  const { project, location } = bigQuerySettings(env)
  return createBigQueryDialect({ ...(project ? { project } : {}), ...(location ? { location } : {}) })
}

/** Dialect and adapter. Vendor clients are imported lazily, only when used. */
export async function createEngine(
  options: EngineOptions,
  env: NodeJS.ProcessEnv,
  deps: EngineDeps = {},
): Promise<{ dialect: Dialect; adapter: Adapter }> {
  if (options.engine === 'duckdb') {
    const { DuckDbAdapter } = await import('./duckdb/duckdb-adapter.js')
    const adapter = await DuckDbAdapter.open({
      path: options.warehouse,
      ...(options.readOnly ? { readOnly: true } : {}),
    })
    return { dialect: adapter.dialect, adapter }
  }
  const { project, location } = bigQuerySettings(env)
  if (!project)
    throw new ConfigError(
      '--engine bigquery needs PIPELINE_BQ_PROJECT (and optionally PIPELINE_BQ_LOCATION); credentials come from Application Default Credentials',
    )
  const { BigQueryAdapter } = await import('./bigquery/bigquery-adapter.js')
  const client = deps.bigQueryClient ?? (await loadClient(project, location, env.BIGQUERY_EMULATOR_HOST))
  const adapter = new BigQueryAdapter(client, {
    project,
    ...(location ? { location } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.maximumBytesBilled !== undefined ? { maximumBytesBilled: options.maximumBytesBilled } : {}),
    ...(options.jobTimeoutMs !== undefined ? { jobTimeoutMs: options.jobTimeoutMs } : {}),
    ...(options.jobPrefix !== undefined ? { jobPrefix: options.jobPrefix } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  })
  return { dialect: adapter.dialect, adapter }
}

function bigQuerySettings(env: NodeJS.ProcessEnv): { project?: string; location?: string } {
  const project = env.PIPELINE_BQ_PROJECT
  const location = env.PIPELINE_BQ_LOCATION
  return { ...(project ? { project } : {}), ...(location ? { location } : {}) }
}

async function loadClient(
  project: string,
  location: string | undefined,
  emulatorHost: string | undefined,
): Promise<BigQueryClient> {
  const { loadBigQueryClient } = await import('./bigquery/bigquery-client.js')
  return loadBigQueryClient({
    projectId: project,
    ...(location ? { location } : {}),
    ...(emulatorHost ? { emulatorHost } : {}),
  })
}

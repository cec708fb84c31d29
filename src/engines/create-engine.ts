import { ConfigError } from '../core/errors.js'
import type { Adapter } from './adapter.js'
import type { Dialect, EngineId } from './dialect.js'

export interface EngineOptions {
  readonly engine: EngineId
  readonly warehouse: string
  /** Only the dialect is needed (compile): no client, no connection. */
  readonly offline?: boolean
  /** Labels for every BigQuery job (run id, build sha). */
  readonly labels?: Readonly<Record<string, string>>
  /** BigQuery: send dry-run jobs and add up bytes. */
  readonly dryRun?: boolean
}

/** Dialect, plus an adapter unless offline. Vendor clients are imported lazily, only when used. */
export async function createEngine(
  options: EngineOptions,
  env: NodeJS.ProcessEnv,
): Promise<{ dialect: Dialect; adapter: Adapter }> {
  if (options.engine === 'duckdb') {
    const { duckDbDialect } = await import('./duckdb/duckdb-dialect.js')
    if (options.offline) return { dialect: duckDbDialect, adapter: undefined as unknown as Adapter }
    const { DuckDbAdapter } = await import('./duckdb/duckdb-adapter.js')
    return { dialect: duckDbDialect, adapter: await DuckDbAdapter.open({ path: options.warehouse }) }
  }
  const { createBigQueryDialect } = await import('./bigquery/bigquery-dialect.js')
  const project = env.PIPELINE_BQ_PROJECT
  const location = env.PIPELINE_BQ_LOCATION
  const dialect = createBigQueryDialect({ ...(project ? { project } : {}), ...(location ? { location } : {}) })
  if (options.offline) return { dialect, adapter: undefined as unknown as Adapter }
  if (!project)
    throw new ConfigError(
      '--engine bigquery needs PIPELINE_BQ_PROJECT (and optionally PIPELINE_BQ_LOCATION); credentials come from Application Default Credentials',
    )
  const { loadBigQueryClient } = await import('./bigquery/bigquery-client.js')
  const { BigQueryAdapter } = await import('./bigquery/bigquery-adapter.js')
  const client = await loadBigQueryClient({ projectId: project, ...(location ? { location } : {}) })
  return {
    dialect,
    adapter: new BigQueryAdapter(client, {
      project,
      ...(location ? { location } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.dryRun ? { dryRun: true } : {}),
    }),
  }
}

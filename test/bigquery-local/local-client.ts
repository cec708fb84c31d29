import { BigQuery } from '@google-cloud/bigquery'
import type { BigQueryOptions } from '@google-cloud/bigquery'
import { startLocalBigQuery } from '../../scripts/bigquery-local/server.js'
import type { LocalBigQuery, LocalBigQueryOptions } from '../../scripts/bigquery-local/server.js'

/**
 * An auth client that adds no header: with it the real client never looks for Application Default
 * Credentials (nor probes the GCE metadata server), which is what an endpoint on 127.0.0.1 wants.
 */
export const NO_AUTH = {
  getRequestHeaders: async () => new Headers(),
  getProjectId: async () => 'local',
} as unknown as BigQueryOptions['authClient']

/** The real @google-cloud/bigquery client pointed at a local endpoint; retries kept short for tests. */
export function localClient(endpoint: LocalBigQuery, options: BigQueryOptions = {}): BigQuery {
  return new BigQuery({
    projectId: 'local',
    apiEndpoint: endpoint.url,
    authClient: NO_AUTH,
    retryOptions: { maxRetryDelay: 0.05, retryDelayMultiplier: 1 },
    ...options,
  })
}

export async function startEndpoint(options: LocalBigQueryOptions = {}): Promise<LocalBigQuery> {
  return startLocalBigQuery(options)
}

/** The shop fixture's sources (raw.raw_customers, raw.raw_orders: 3 customers, 5 orders over 4 days). */
export async function createShopSources(query: (sql: string) => Promise<unknown>): Promise<void> {
  await query('CREATE SCHEMA `local.raw`')
  await query(`CREATE TABLE \`local.raw.raw_customers\` AS
    SELECT 1 AS customer_id, 'fr' AS country UNION ALL SELECT 2, 'us' UNION ALL SELECT 3, 'us'`)
  await query(`CREATE TABLE \`local.raw.raw_orders\` AS
    SELECT DATE '2026-01-01' AS order_date, 1 AS customer_id, 10.0 AS amount
    UNION ALL SELECT DATE '2026-01-01', 2, 4.0 UNION ALL SELECT DATE '2026-01-02', 2, 5.0
    UNION ALL SELECT DATE '2026-01-03', 1, 7.5 UNION ALL SELECT DATE '2026-01-04', 3, 1.0`)
}

/** The rows of one query job through the real client. */
export async function queryRows(bq: BigQuery, query: string): Promise<Record<string, unknown>[]> {
  const [job] = await bq.createQueryJob({ query })
  const [result] = await job.getQueryResults()
  return result as Record<string, unknown>[]
}

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

/**
 * The BigQuery client by shape: the adapter depends on this interface, tests inject a recording fake,
 * and only `loadBigQueryClient` touches @google-cloud/bigquery (imported lazily).
 */
export interface BigQueryJobRequest {
  readonly query: string
  readonly location?: string
  readonly params?: Record<string, unknown>
  readonly types?: Record<string, string>
  readonly labels?: Record<string, string>
  readonly dryRun?: boolean
  readonly useLegacySql?: false
}

export interface BigQueryJob {
  readonly id?: string
  readonly metadata?: {
    statistics?: {
      totalBytesProcessed?: string
      query?: { schema?: { fields?: readonly BigQueryField[] }; numDmlAffectedRows?: string }
    }
  }
  getQueryResults(): Promise<[Record<string, unknown>[], ...unknown[]]>
}

export interface BigQueryField {
  readonly name: string
  readonly type: string
  readonly mode?: string
  readonly fields?: readonly BigQueryField[]
}

export interface BigQueryClient {
  createQueryJob(request: BigQueryJobRequest): Promise<[BigQueryJob, ...unknown[]]>
}

/** The real client, with Application Default Credentials; never prints credentials. */
export async function loadBigQueryClient(options: { projectId: string; location?: string }): Promise<BigQueryClient> {
  const { BigQuery } = await import('@google-cloud/bigquery')
  const client = new BigQuery({
    projectId: options.projectId,
    ...(options.location ? { location: options.location } : {}),
  })
  return client as unknown as BigQueryClient
}

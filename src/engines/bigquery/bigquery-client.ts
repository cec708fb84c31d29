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
  /** The client names the job `<jobPrefix><uuid>`: a fresh id on every call, so a retried job is a new job. */
  readonly jobPrefix?: string
  /** The job fails instead of billing more than this many bytes (a decimal string). */
  readonly maximumBytesBilled?: string
  /** BigQuery cancels the job after this many milliseconds. */
  readonly jobTimeoutMs?: number
}

export interface BigQueryTableReference {
  readonly projectId: string
  readonly datasetId: string
  readonly tableId: string
}

/** A copy job (jobs.insert with `configuration.copy`): the table swap, billed no bytes. */
export interface BigQueryCopyJobRequest {
  readonly configuration: {
    readonly copy: {
      readonly sourceTable: BigQueryTableReference
      readonly destinationTable: BigQueryTableReference
      readonly writeDisposition: 'WRITE_TRUNCATE' | 'WRITE_EMPTY' | 'WRITE_APPEND'
      readonly createDisposition: 'CREATE_IF_NEEDED' | 'CREATE_NEVER'
    }
    readonly labels?: Record<string, string>
    readonly jobTimeoutMs?: string
  }
  readonly location?: string
  readonly jobPrefix?: string
}

export interface BigQueryJobStatus {
  readonly state?: string
  readonly errorResult?: { readonly reason?: string; readonly message?: string }
}

export interface BigQueryJobMetadata {
  status?: BigQueryJobStatus
  statistics?: {
    totalBytesProcessed?: string
    query?: {
      schema?: { fields?: readonly BigQueryField[] }
      numDmlAffectedRows?: string
      totalBytesProcessed?: string
    }
  }
}

export interface BigQueryJob {
  readonly id?: string
  readonly metadata?: BigQueryJobMetadata
  getQueryResults(): Promise<[Record<string, unknown>[], ...unknown[]]>
  /** The job's current resource (jobs.get). */
  getMetadata(): Promise<[BigQueryJobMetadata, ...unknown[]]>
}

/** A non-query job (copy): `promise()` resolves when it is DONE and rejects with its errorResult. */
export interface BigQueryOtherJob {
  readonly id?: string
  readonly metadata?: BigQueryJobMetadata
  promise(): Promise<unknown>
}

export interface BigQueryField {
  readonly name: string
  readonly type: string
  readonly mode?: string
  readonly precision?: string
  readonly scale?: string
  readonly fields?: readonly BigQueryField[]
}

/** tables.get: the table's schema and layout; rejects with code 404 when it does not exist. */
export interface BigQueryTableMetadata {
  readonly type?: string
  readonly schema?: { readonly fields?: readonly BigQueryField[] }
  readonly timePartitioning?: { readonly type?: string; readonly field?: string }
  readonly clustering?: { readonly fields?: readonly string[] }
  readonly requirePartitionFilter?: boolean
  /** Milliseconds since the epoch, as a decimal string; absent when the table never expires. */
  readonly expirationTime?: string
}

export interface BigQueryTableHandle {
  getMetadata(): Promise<[BigQueryTableMetadata, ...unknown[]]>
  /** tables.patch of the given fields (null clears one). */
  setMetadata(metadata: { expirationTime: null }): Promise<unknown>
}

export interface BigQueryDatasetHandle {
  table(id: string): BigQueryTableHandle
}

export interface BigQueryClient {
  createQueryJob(request: BigQueryJobRequest): Promise<[BigQueryJob, ...unknown[]]>
  createJob(request: BigQueryCopyJobRequest): Promise<[BigQueryOtherJob, ...unknown[]]>
  dataset(id: string): BigQueryDatasetHandle
}

export interface LoadClientOptions {
  readonly projectId: string
  readonly location?: string
  /**
   * A local endpoint (`BIGQUERY_EMULATOR_HOST`, e.g. `http://127.0.0.1:9050`; a bare `host:port` is
   * taken as http): requests go there, unauthenticated, and Application Default Credentials are never
   * looked up.
   */
  readonly emulatorHost?: string
}

/** An auth client that adds no header: what a local endpoint on the loopback address wants. */
const NO_AUTH = {
  getRequestHeaders: async () => new Headers(),
  getProjectId: async () => 'local',
}

/** `host:port` or `http(s)://host:port[/]` as a base URL with a scheme and no trailing slash. */
export function emulatorUrl(host: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `http://${host}`
  return withScheme.replace(/\/+$/, '')
}

/** The real client, with Application Default Credentials (never printed), or pointed at a local endpoint. */
export async function loadBigQueryClient(options: LoadClientOptions): Promise<BigQueryClient> {
  const { BigQuery } = await import('@google-cloud/bigquery')
  const emulator = options.emulatorHost ? emulatorUrl(options.emulatorHost) : undefined
  // The 8.x client uses process.env.BIGQUERY_EMULATOR_HOST verbatim as its base URL when set, which a
  // bare host:port breaks; the endpoint is passed as apiEndpoint instead (it serves /bigquery/v2 too).
  const saved = process.env.BIGQUERY_EMULATOR_HOST
  delete process.env.BIGQUERY_EMULATOR_HOST
  try {
    const client = new BigQuery({
      projectId: options.projectId,
      ...(options.location ? { location: options.location } : {}),
      ...(emulator ? { apiEndpoint: emulator, authClient: NO_AUTH as never } : {}),
    })
    return client as unknown as BigQueryClient
  } finally {
    if (saved !== undefined) process.env.BIGQUERY_EMULATOR_HOST = saved
  }
}

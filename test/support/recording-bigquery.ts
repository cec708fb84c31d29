import type {
  BigQueryClient,
  BigQueryCopyJobRequest,
  BigQueryDatasetHandle,
  BigQueryJob,
  BigQueryJobRequest,
  BigQueryOtherJob,
  BigQueryTableMetadata,
} from '../../src/engines/bigquery/bigquery-client.js'

/**
 * Answers the lease-holders query (pipeline_state.locks) as when no other writer runs: the holder is the
 * owner that last took a lease. Null for any other statement. A run on BigQuery takes each action's lease.
 */
export function soleLeaseHolder(): (request: BigQueryJobRequest) => Record<string, unknown>[] | null {
  let owner: unknown = null
  return (request) => {
    if (typeof request.params?.owner === 'string') owner = request.params.owner
    if (!/^select `owner`, `expires_at` from `[^`]*\.locks`/i.test(request.query)) return null
    return [{ owner, expires_at: '2999-01-01T00:00:00Z' }]
  }
}

/** What the recording client answers for tables.get: the table's metadata, or null (a 404). */
export type TableAnswer = (dataset: string, table: string) => BigQueryTableMetadata | null

/**
 * Records every job request, copy job and tables.get; answers queries with rows from a scripted
 * handler (default: no rows) and tables.get from another (default: every table is missing).
 */
export class RecordingBigQueryClient implements BigQueryClient {
  readonly requests: BigQueryJobRequest[] = []
  readonly copies: BigQueryCopyJobRequest[] = []
  readonly tableRequests: string[] = []
  readonly #answer: (request: BigQueryJobRequest) => Record<string, unknown>[] | Error
  readonly #table: TableAnswer

  constructor(
    answer: (request: BigQueryJobRequest) => Record<string, unknown>[] | Error = () => [],
    table: TableAnswer = () => null,
  ) {
    this.#answer = answer
    this.#table = table
  }

  async createQueryJob(request: BigQueryJobRequest): Promise<[BigQueryJob]> {
    this.requests.push(request)
    const answer = this.#answer(request)
    if (answer instanceof Error) throw answer
    const id = `job_${this.requests.length}`
    const metadata = {
      status: { state: 'DONE' },
      statistics: {
        totalBytesProcessed: request.dryRun ? '1048576' : '0',
        query: {
          numDmlAffectedRows: '3',
          schema: {
            fields: [
              { name: 'x', type: 'INTEGER' },
              { name: 'tags', type: 'STRING', mode: 'REPEATED' },
            ],
          },
        },
      },
    }
    return [{ id, metadata, getQueryResults: async () => [answer], getMetadata: async () => [metadata] }]
  }

  async createJob(request: BigQueryCopyJobRequest): Promise<[BigQueryOtherJob]> {
    this.copies.push(request)
    return [{ id: `copy_${this.copies.length}`, promise: async () => undefined }]
  }

  dataset(dataset: string): BigQueryDatasetHandle {
    return {
      table: (table: string) => ({
        getMetadata: async () => {
          this.tableRequests.push(`${dataset}.${table}`)
          const metadata = this.#table(dataset, table)
          if (!metadata) throw Object.assign(new Error(`Not found: Table ${dataset}.${table}`), { code: 404 })
          return [metadata]
        },
        setMetadata: async () => {
          this.tableRequests.push(`patch ${dataset}.${table}`)
        },
      }),
    }
  }
}

/** tables.get answer: every table exists with one nullable INT64 column `x`. */
export const EVERY_TABLE_HAS_X: TableAnswer = (_dataset, table) => ({
  schema: { fields: [{ name: 'x', type: 'INTEGER' }] },
  // The shop fixture's incremental tables, partitioned as their definitions ask (a run checks the layout).
  ...(SHOP_INCREMENTAL.has(table) ? { timePartitioning: { type: 'DAY', field: 'order_date' } } : {}),
})

const SHOP_INCREMENTAL = new Set(['orders_daily', 'customer_totals', 'orders_log'])

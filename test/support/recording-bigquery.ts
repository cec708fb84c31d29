import type { BigQueryClient, BigQueryJob, BigQueryJobRequest } from '../../src/engines/bigquery/bigquery-client.js'

/** Records every job request; answers with rows from a scripted handler (default: no rows). */
export class RecordingBigQueryClient implements BigQueryClient {
  readonly requests: BigQueryJobRequest[] = []
  readonly #answer: (request: BigQueryJobRequest) => Record<string, unknown>[] | Error

  constructor(answer: (request: BigQueryJobRequest) => Record<string, unknown>[] | Error = () => []) {
    this.#answer = answer
  }

  async createQueryJob(request: BigQueryJobRequest): Promise<[BigQueryJob]> {
    this.requests.push(request)
    const answer = this.#answer(request)
    if (answer instanceof Error) throw answer
    const id = `job_${this.requests.length}`
    return [
      {
        id,
        metadata: {
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
        },
        getQueryResults: async () => [answer],
      },
    ]
  }
}

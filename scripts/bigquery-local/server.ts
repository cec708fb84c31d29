import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Catalog } from './catalog.js'
import { BigQueryApiError, asApiError } from './errors.js'
import { Executor } from './executor.js'
import { Faults } from './faults.js'
import { runCopy } from './copy-jobs.js'
import type { CopyConfiguration } from './copy-jobs.js'
import type { JobInsertBody } from './jobs.js'
import { Jobs } from './jobs.js'
import type { JobTally } from './jobs.js'
import type { TableBody } from './rest-tables.js'
import { TablesApi } from './rest-tables.js'
import { Warehouse } from './warehouse.js'

export interface LocalBigQueryOptions {
  /** TCP port on 127.0.0.1; 0 or omitted picks a free one. */
  readonly port?: number
  /** The only project the endpoint serves (default `local`); calls for another get notFound. */
  readonly project?: string
  /** Location reported for datasets and jobs (default `US`). */
  readonly location?: string
  /** Rows per getQueryResults page when the client asks for no maxResults (default 10,000). */
  readonly pageSize?: number
}

export interface LocalBigQuery {
  /** `127.0.0.1:PORT`. */
  readonly host: string
  readonly port: number
  /** What to give the client: `http://127.0.0.1:PORT` (as `apiEndpoint` or `BIGQUERY_EMULATOR_HOST`). */
  readonly url: string
  readonly faults: Faults
  readonly catalog: Catalog
  /**
   * Runs DuckDB SQL on the endpoint's own warehouse, outside any job and rule (datasets are schemas):
   * for tests that inspect what the jobs stored without a REST round trip per page.
   */
  inspect(sql: string): Promise<Record<string, unknown>[]>
  /** Jobs inserted so far by their `command` label (query, dry-run and copy jobs; retries included). */
  jobTally(): ReadonlyMap<string, JobTally>
  close(): Promise<void>
}

/** Starts the endpoint in-process, on the loopback address only. */
export async function startLocalBigQuery(options: LocalBigQueryOptions = {}): Promise<LocalBigQuery> {
  const catalog = new Catalog(options.project ?? 'local', options.location ?? 'US')
  const warehouse = await Warehouse.open()
  const faults = new Faults()
  const copy = (config: CopyConfiguration) => runCopy(catalog, warehouse, config)
  const jobs = new Jobs(catalog, new Executor(warehouse, catalog), faults, options.pageSize ?? 10_000, copy)
  const tables = new TablesApi(catalog, warehouse)
  const server = createServer((req, res) => void handle(req, res, { catalog, jobs, tables }))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  const port = (server.address() as AddressInfo).port
  return {
    host: `127.0.0.1:${port}`,
    port,
    url: `http://127.0.0.1:${port}`,
    faults,
    catalog,
    inspect: (sql) =>
      warehouse.exclusive(async (run) => (await (await run(sql)).getRowObjectsJS()) as Record<string, unknown>[]),
    jobTally: () => jobs.tally,
    close: () => closeServer(server, warehouse),
  }
}

async function closeServer(server: Server, warehouse: Warehouse): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  warehouse.close()
}

interface Services {
  readonly catalog: Catalog
  readonly jobs: Jobs
  readonly tables: TablesApi
}

async function handle(req: IncomingMessage, res: ServerResponse, services: Services): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const body = await readBody(req)
    const outcome = await route(req.method ?? 'GET', url, body, services)
    if (outcome === 'drop') {
      req.socket.destroy()
      return
    }
    send(res, outcome === undefined ? 204 : 200, outcome)
  } catch (error) {
    const apiError = asApiError(error)
    send(res, apiError.status, apiError.body())
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status
  if (body === undefined) {
    res.end()
    return
  }
  res.setHeader('content-type', 'application/json; charset=UTF-8')
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  if (!text) return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new BigQueryApiError('badRequest', 'Invalid JSON payload received')
  }
}

/** Both path styles: `/bigquery/v2/projects/…` (apiEndpoint) and `/projects/…` (BIGQUERY_EMULATOR_HOST). */
async function route(method: string, url: URL, body: unknown, s: Services): Promise<unknown> {
  const path = url.pathname
    .replace(/^\/bigquery\/v2/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent)
  const [root, project, collection, id, sub, subId, action] = path
  if (root !== 'projects' || !project) throw notServed(method, url)
  if (project !== s.catalog.project)
    throw new BigQueryApiError(
      'notFound',
      `Not found: Project ${project} (the local endpoint serves "${s.catalog.project}")`,
    )
  const q = url.searchParams
  if (collection === 'jobs') {
    if (method === 'POST' && !id) {
      const result = await s.jobs.insert(body as JobInsertBody)
      return result.dropResponse ? 'drop' : result.resource
    }
    if (method === 'GET' && id && !sub) return s.jobs.get(id)
    if (method === 'POST' && id && sub === 'cancel') return { kind: 'bigquery#jobCancelResponse', job: s.jobs.get(id) }
  }
  if (collection === 'queries' && method === 'GET' && id) return s.jobs.results(id, q)
  if (collection === 'datasets') {
    if (!id) return method === 'POST' ? s.tables.createDataset(body as never) : s.tables.listDatasets()
    if (!sub) return datasetCall(method, id, q, body, s)
    if (sub === 'tables') return tableCall(method, id, subId, action, q, body, s)
  }
  throw notServed(method, url)
}

async function datasetCall(method: string, id: string, q: URLSearchParams, _body: unknown, s: Services) {
  if (method === 'GET') return s.tables.datasetResource(id)
  if (method === 'DELETE') return s.tables.deleteDataset(id, q.get('deleteContents') === 'true')
  if (method === 'PATCH' || method === 'PUT') return s.tables.datasetResource(id)
  throw new BigQueryApiError('badRequest', `Method ${method} on a dataset is not supported by the local endpoint`)
}

async function tableCall(
  method: string,
  dataset: string,
  table: string | undefined,
  action: string | undefined,
  q: URLSearchParams,
  body: unknown,
  s: Services,
): Promise<unknown> {
  if (!table) return method === 'POST' ? s.tables.createTable(dataset, body as TableBody) : s.tables.listTables(dataset)
  if (action === 'data' && method === 'GET') return s.tables.listRows(dataset, table, q)
  if (action === 'insertAll' && method === 'POST') return s.tables.insertAll(dataset, table, body as never)
  if (action) throw new BigQueryApiError('badRequest', `Table call ${action} is not supported by the local endpoint`)
  if (method === 'GET') return s.tables.tableResource(dataset, table)
  if (method === 'DELETE') return s.tables.deleteTable(dataset, table)
  if (method === 'PATCH' || method === 'PUT') return s.tables.patchTable(dataset, table, body as TableBody)
  throw new BigQueryApiError('badRequest', `Method ${method} on a table is not supported by the local endpoint`)
}

function notServed(method: string, url: URL): BigQueryApiError {
  return new BigQueryApiError('notFound', `The local BigQuery endpoint does not serve ${method} ${url.pathname}`)
}

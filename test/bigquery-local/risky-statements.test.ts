import type { BigQueryClient } from '../../src/engines/bigquery/bigquery-client.js'
import type { LocalBigQuery } from '../../scripts/bigquery-local/server.js'
import { localClient, startEndpoint } from './local-client.js'
import { riskyStatementsSuite } from './risky-statements.js'

// The same statements go to a real project in test/live/risky-statements.test.ts (npm run test:live).
let endpoint: LocalBigQuery | undefined
riskyStatementsSuite({
  title: 'the local endpoint',
  project: 'local',
  connect: async () => localClient((endpoint = await startEndpoint())) as unknown as BigQueryClient,
  close: async () => endpoint?.close(),
})

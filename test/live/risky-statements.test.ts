import { describe } from 'vitest'
import { loadBigQueryClient } from '../../src/engines/bigquery/bigquery-client.js'
import { riskyStatementsSuite } from '../bigquery-local/risky-statements.js'

/**
 * Live: the risky statements against a sandbox dataset of a real project (Application Default Credentials,
 * 1 GB billed at most per job, the dataset dropped afterwards). Not part of `npm test` (vitest.config.ts
 * excludes test/live); `npm run test:live` runs it, and it is skipped unless PIPELINE_BQ_PROJECT is set.
 */
const PROJECT = process.env.PIPELINE_BQ_PROJECT
const LOCATION = process.env.PIPELINE_BQ_LOCATION

describe.skipIf(!PROJECT)('live BigQuery (PIPELINE_BQ_PROJECT)', () => {
  riskyStatementsSuite({
    title: `project ${PROJECT}`,
    project: PROJECT ?? '',
    ...(LOCATION ? { location: LOCATION } : {}),
    connect: () => loadBigQueryClient({ projectId: PROJECT ?? '', ...(LOCATION ? { location: LOCATION } : {}) }),
  })
})

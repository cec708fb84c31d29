import { defineConfig } from 'vitest/config'

// `npm run test:live`: the tests against a real BigQuery project, skipped unless PIPELINE_BQ_PROJECT is set.
export default defineConfig({
  test: {
    include: ['test/live/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
})

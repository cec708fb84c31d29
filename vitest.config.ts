import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/live/**', 'node_modules/**'],
    // A fresh folder per run for the template warehouses several test files copy (test/support/template.ts).
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One worker more than the cores: a worker is not always on a core (it waits on the disk, on child processes
    // and Chromium, on a template another worker is building), and a third worker on 2 cores keeps both busy
    // meanwhile. Alternated on 2026-12-03 (15:24-15:37, load 3-5): 3 workers took 112.8, 114.6 and 98.3 s,
    // 2 workers 139.0 and 137.1 s, 4 workers 124.3 s. vitest's default (one fewer than the cores) left one
    // core idle for about half of the suite.
    maxWorkers: availableParallelism() + 1,
    // Test files share a worker's module cache instead of importing the engine again each (about 0.7 s of CPU
    // per file; 21 unit files: 36 s -> 16 s of CPU). No test mocks modules or changes process.env; each file
    // opens its own warehouses, so nothing of one file is seen by another.
    isolate: false,
    // Each DuckDB warehouse runs on one thread: workers on DuckDB's default of one thread per core
    // oversubscribe the cores, and a parallel plan costs more CPU than a serial one on this data
    // (an incident replay: 25 s -> 21 s of CPU). CLI children keep the setting (test/support/cli.ts childEnv).
    env: { PIPELINE_DUCKDB_THREADS: '1' },
  },
})

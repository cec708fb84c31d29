import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

// DuckDB's allocator (its bundled jemalloc) keeps the memory a closed warehouse or a finished query freed,
// for the next one in the same worker, instead of giving it back to the kernel once its decay time is up
// and faulting it in again, page by page. A first touch of a page has cost 11-16 us on this VM in its slow
// hours. Alternated there on 2026-12-03 (18:30-18:45), two runs each: 5.94-6.03 -> 5.07 million page faults,
// 371-389 -> 341-344 s of CPU, 192-200 -> 176-177 s of wall time; the largest process's peak RSS 0.9 -> 1.4 GiB.
// Set here, in the main process, so that every worker and every CLI child the tests spawn inherits it (jemalloc
// reads it once, when DuckDB's library first allocates). The sample build's own budget (1 GiB) is why
// `npm start` keeps DuckDB's default.
process.env.DUCKDB_JE_MALLOC_CONF ??= 'dirty_decay_ms:-1,muzzy_decay_ms:-1'

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

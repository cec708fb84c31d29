/**
 * How fast this machine is right now: a fixed amount of work, timed, so that figures from runs hours
 * apart can be compared. The same code on this 2-core VM has measured 80 s and 173 s for `npm test`
 * within an hour; the host's load shows up as slower CPU time, not as load inside the VM.
 *
 *   npx tsx scripts/bench/machine.ts [--runs N]
 *
 * Two probes, each the median of N runs, on one thread so that the figure does not depend on what
 * the other core is doing:
 * - JavaScript: 2e8 iterations of an integer loop (node itself, no I/O);
 * - DuckDB: a window and a GROUP BY over 2 million generated rows on an in-memory database with
 *   threads = 1 (the kind of work the pipeline's statements do).
 * Compare a run's probes with the reference line in BENCHMARKS.md; a ratio above 1 means every other
 * figure of that run is inflated by about as much.
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { DuckDBInstance } from '@duckdb/node-api'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } })
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got "${values.runs}"`)
  process.exit(2)
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

function jsProbe(): number {
  const started = performance.now()
  let x = 0
  for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1_000_003
  if (x < 0) console.log(x) // keeps the loop from being optimised away
  return performance.now() - started
}

const instance = await DuckDBInstance.create(':memory:', { threads: '1' })
const connection = await instance.connect()
async function duckdbProbe(): Promise<number> {
  const started = performance.now()
  await connection.run(`
    SELECT g, SUM(w) FROM (
      SELECT i % 1000 AS g, AVG(i % 97) OVER (PARTITION BY i % 1000 ORDER BY i ROWS 9 PRECEDING) AS w
      FROM range(2000000) AS t(i)
    ) GROUP BY g`)
  return performance.now() - started
}

const js: number[] = []
const duck: number[] = []
for (let i = 0; i < runs; i++) {
  js.push(jsProbe())
  duck.push(await duckdbProbe())
}
connection.closeSync()
instance.closeSync()

const fmt = (ms: number) => `${Math.round(ms)} ms`
console.log(
  `machine: JavaScript probe ${fmt(median(js))} (${fmt(Math.min(...js))}–${fmt(Math.max(...js))}), ` +
    `DuckDB probe ${fmt(median(duck))} (${fmt(Math.min(...duck))}–${fmt(Math.max(...duck))}), ${runs} runs; ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
)

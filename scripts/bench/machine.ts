/**
 * How fast this machine is right now: a fixed amount of work, timed, so that figures from runs hours
 * apart can be compared. The same code on this 2-core VM has measured 80 s and 195 s for `npm test`
 * within two hours; the host's state shows up as slower CPU time, not as load inside the VM.
 *
 *   npx tsx scripts/bench/machine.ts [--runs N]
 *
 * Three probes, each the median of N runs, on one thread so that the figure does not depend on what
 * the other core is doing:
 * - JavaScript: 2e8 iterations of an integer loop (node itself, no I/O, no memory);
 * - DuckDB: a window and a GROUP BY over 2 million generated rows on an in-memory database with
 *   threads = 1 (the kind of work the pipeline's statements do);
 * - page faults: 256 MiB of fresh memory touched once (65,536 first touches of a 4 KiB page). On
 *   this VM a first touch has cost 11 µs when the other figures were slow; a fresh start makes about
 *   560,000 of them, DuckDB's memory (its allocator has no huge pages here).
 * Compare a run's probes with the other runs quoted in BENCHMARKS.md.
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { DuckDBInstance } from '@duckdb/node-api'
import { median } from './measure.js'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } })
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got "${values.runs}"`)
  process.exit(2)
}

function jsProbe(): number {
  const started = performance.now()
  let x = 0
  for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1_000_003
  if (x < 0) console.log(x) // keeps the loop from being optimised away
  return performance.now() - started
}

function pageFaultProbe(): number {
  const started = performance.now()
  const buffer = Buffer.allocUnsafeSlow(256 * 2 ** 20)
  for (let i = 0; i < buffer.length; i += 4096) buffer[i] = 1
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
const faults: number[] = []
for (let i = 0; i < runs; i++) {
  js.push(jsProbe())
  duck.push(await duckdbProbe())
  faults.push(pageFaultProbe())
}
connection.closeSync()
instance.closeSync()

const fmt = (ms: number) => `${Math.round(ms)} ms`
const probe = (samples: number[]) =>
  `${fmt(median(samples))} (${fmt(Math.min(...samples))}–${fmt(Math.max(...samples))})`
console.log(
  `machine: JavaScript probe ${probe(js)}, DuckDB probe ${probe(duck)}, ` +
    `256 MiB first touch ${probe(faults)}, ${runs} runs; ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
)

/**
 * End-to-end benchmark of the sample pipeline through the CLI, as a user runs it:
 *   seed alone; `start` on a fresh warehouse (migrations + seed + full DAG build with assertions);
 *   `start` again (incremental: nothing missing). Wall time and peak RSS of each process (GNU time).
 * Run: npx tsx scripts/bench/pipeline.ts [repeats]   (default 1 full build, 3 incremental runs)
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { median } from './measure.js'

interface Measure {
  readonly seconds: number
  readonly maxRssMiB: number
  readonly code: number
}

function measure(args: readonly string[]): Measure {
  // The compiled CLI, as the package's bin and `npm start` run it (not tsx over src/).
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', 'node', 'bin/pipeline.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  })
  const last = result.stderr.trim().split('\n').at(-1) ?? ''
  const [seconds, kib] = last.split(' ').map(Number)
  return { seconds: seconds ?? NaN, maxRssMiB: (kib ?? NaN) / 1024, code: result.status ?? -1 }
}

const repeats = Number(process.argv[2] ?? 3)
const dir = mkdtempSync(join(tmpdir(), 'pipeline-bench-'))
try {
  const seedOnly = measure(['--warehouse', join(dir, 'seed.duckdb'), 'seed'])
  console.log(
    `seed (2 seasons through 2026-01-31): ${seedOnly.seconds.toFixed(1)} s, peak RSS ${seedOnly.maxRssMiB.toFixed(0)} MiB, exit ${seedOnly.code}`,
  )
  const warehouse = join(dir, 'warehouse.duckdb')
  const full = measure(['--warehouse', warehouse, 'start'])
  console.log(
    `start on a fresh warehouse (migrate + seed + full build + assertions + report): ${full.seconds.toFixed(1)} s, peak RSS ${full.maxRssMiB.toFixed(0)} MiB, exit ${full.code}`,
  )
  const again = Array.from({ length: repeats }, () => measure(['--warehouse', warehouse, 'start']))
  console.log(
    `start again (incremental, nothing missing), ${repeats} runs: median ${median(again.map((m) => m.seconds)).toFixed(1)} s (min ${Math.min(...again.map((m) => m.seconds)).toFixed(1)}, max ${Math.max(...again.map((m) => m.seconds)).toFixed(1)}), peak RSS ${Math.max(...again.map((m) => m.maxRssMiB)).toFixed(0)} MiB, exits ${again.map((m) => m.code).join(',')}`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}

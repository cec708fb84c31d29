/**
 * The test suite as CI runs it: a clean clone of this repository's HEAD, `npm ci` (not timed), then
 * `npm test` N times under GNU time: wall clock, CPU (user + system) and peak RSS of the whole process.
 * CPU seconds are the fairer comparison on a shared machine; the load average is printed beside them.
 *
 *   npx tsx scripts/bench/test-suite.ts [--runs N] [--ref REF]
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name)
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback
}

interface Run {
  readonly wall: number
  readonly cpu: number
  readonly rssMiB: number
  readonly tests: string
}

function npmTest(cwd: string): Run {
  const result = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', 'npm', 'test'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 2 ** 30,
    env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
  })
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`
  if (result.status !== 0) throw new Error(`npm test exited ${result.status}:\n${output.slice(-4000)}`)
  const time = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(output)
  if (!time) throw new Error('GNU time (/usr/bin/time) printed no figures')
  const [, wall, user, system, rss] = time.map(Number) as [number, number, number, number, number]
  // eslint-disable-next-line no-control-regex
  const tests = /Tests\s+(.+)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''))?.[1]?.trim() ?? '?'
  return { wall, cpu: user + system, rssMiB: rss / 1024, tests }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const runs = Number(option('--runs', '1'))
const ref = option('--ref', 'HEAD')
const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim()
const sha = execFileSync('git', ['rev-parse', '--short', ref], { cwd: top, encoding: 'utf8' }).trim()
const dir = mkdtempSync(join(tmpdir(), 'bench-tests-'))
try {
  execFileSync('git', ['clone', '--quiet', top, dir])
  execFileSync('git', ['checkout', '--quiet', sha], { cwd: dir })
  console.log(`clean clone of ${sha} in ${dir}; npm ci (not timed)`)
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' })
  const samples: Run[] = []
  for (let i = 0; i < runs; i++) {
    const load = loadavg()[0]?.toFixed(1)
    const run = npmTest(dir)
    samples.push(run)
    console.log(
      `run ${i + 1}: ${run.wall.toFixed(1)} s wall, ${run.cpu.toFixed(1)} s CPU, ${run.rssMiB.toFixed(0)} MiB, load ${load}; tests ${run.tests}`,
    )
  }
  console.log('\n| what | median wall | min–max | median CPU (user+sys) | peak RSS | runs |')
  console.log('| --- | --- | --- | --- | --- | --- |')
  const walls = samples.map((s) => s.wall)
  console.log(
    `| \`npm test\` (${sha}) | ${median(walls).toFixed(1)} s | ${Math.min(...walls).toFixed(1)}–${Math.max(...walls).toFixed(1)} s | ${median(samples.map((s) => s.cpu)).toFixed(1)} s | ${Math.max(...samples.map((s) => s.rssMiB)).toFixed(0)} MiB | ${runs} |`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}

/**
 * The test suite as CI runs it: a clean clone of this repository's HEAD, `npm ci` (not timed), then
 * `npm test` N times under GNU time: wall clock, CPU (user + system) and peak RSS of the whole process.
 * CPU seconds are the fairer comparison on a shared machine; the load average is printed beside them.
 * vitest's results cache (node_modules/.vite) is removed before every run, so each runs its files in the
 * order a clean clone does. With --before, a clean clone of that ref too, the two run alternately.
 *
 *   npx tsx scripts/bench/test-suite.ts [--runs N] [--ref REF] [--before REF]
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
  rmSync(join(cwd, 'node_modules', '.vite'), { recursive: true, force: true })
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
  const middle = Math.floor(sorted.length / 2)
  // An even count has two middle values: their mean (the upper one alone was quoted before).
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

const runs = Number(option('--runs', '1'))
const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim()
const refs = [...(process.argv.includes('--before') ? [option('--before', 'HEAD')] : []), option('--ref', 'HEAD')]
const trees = refs.map((ref) => ({
  sha: execFileSync('git', ['rev-parse', '--short', ref], { cwd: top, encoding: 'utf8' }).trim(),
  dir: mkdtempSync(join(tmpdir(), 'bench-tests-')),
  samples: [] as Run[],
}))
try {
  for (const tree of trees) {
    execFileSync('git', ['clone', '--quiet', top, tree.dir])
    execFileSync('git', ['checkout', '--quiet', tree.sha], { cwd: tree.dir })
    console.log(`clean clone of ${tree.sha} in ${tree.dir}; npm ci (not timed)`)
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: tree.dir, stdio: 'ignore' })
  }
  for (let i = 0; i < runs; i++) {
    for (const tree of trees) {
      const load = loadavg()[0]?.toFixed(1)
      const run = npmTest(tree.dir)
      tree.samples.push(run)
      console.log(
        `${tree.sha} run ${i + 1}: ${run.wall.toFixed(1)} s wall, ${run.cpu.toFixed(1)} s CPU, ${run.rssMiB.toFixed(0)} MiB, load ${load}; tests ${run.tests}`,
      )
    }
  }
  console.log('\n| what | median wall | min–max | median CPU (user+sys) | peak RSS | runs |')
  console.log('| --- | --- | --- | --- | --- | --- |')
  for (const { sha, samples } of trees) {
    const walls = samples.map((s) => s.wall)
    console.log(
      `| \`npm test\` (${sha}) | ${median(walls).toFixed(1)} s | ${Math.min(...walls).toFixed(1)}–${Math.max(...walls).toFixed(1)} s | ${median(samples.map((s) => s.cpu)).toFixed(1)} s | ${Math.max(...samples.map((s) => s.rssMiB)).toFixed(0)} MiB | ${runs} |`,
    )
  }
} finally {
  for (const { dir } of trees) rmSync(dir, { recursive: true, force: true })
}

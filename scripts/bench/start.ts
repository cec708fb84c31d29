/**
 * `npm start` as a user runs it (npm included), whole process from disk, side by side with an earlier commit:
 *   fresh  = `npm start` on a new warehouse (migrate, seed, full build, checks, report);
 *   second = `npm start` again on that warehouse (nothing to build).
 * Runs alternate between the two trees (before, after, before, after, ...) so that load on a shared
 * machine falls on both alike; the ratio of medians is the figure to quote.
 *
 *   npx tsx scripts/bench/start.ts [--before REF] [--runs N] [--second-runs N]
 *
 * REF (default a521285: main before the second-start and compile work of 2026-12-03) is exported with
 * `git archive` into a temporary directory that borrows this checkout's node_modules; the current
 * tree is "after".
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { runOnce, summarize } from './measure.js'
import type { Sample, Summary } from './measure.js'

const DEFAULT_BEFORE = 'a521285'

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name)
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback
}

function exportTree(ref: string, into: string): void {
  execFileSync('sh', ['-c', `git archive ${JSON.stringify(ref)} | tar -x -C ${JSON.stringify(into)}`])
  symlinkSync(resolve('node_modules'), join(into, 'node_modules'))
}

function start(tree: string, warehouse: string, profile = false): Sample {
  // `--silent`: npm prints no banner of its own; the command is the package's `start` script of that tree.
  const sample = runOnce('npm', ['start', '--silent', ...(profile ? ['--', '--profile'] : [])], {
    cwd: tree,
    env: { ...process.env, PIPELINE_WAREHOUSE: warehouse, BUILD_COMMIT_SHA: 'bench', CI: '1' },
  })
  if (sample.status !== 0) throw new Error(`start in ${tree} exited ${sample.status}: ${sample.stderr.slice(-2000)}`)
  return sample
}

/** The profile lines `start --profile` prints: totals, kinds and the slowest statements. */
function profileBlock(stdout: string): string {
  const lines = stdout.split('\n')
  const from = lines.findIndex((l) => l.startsWith('profile:'))
  if (from < 0) return '(no profile printed)'
  const end = lines.findIndex((l, i) => i > from && /^(HTML report|\S+ report)/.test(l))
  return lines.slice(from, end < 0 ? from + 20 : end).join('\n')
}

function line(label: string, s: Summary): string {
  return `| ${label} | ${s.median.toFixed(2)} s | ${s.min.toFixed(2)}–${s.max.toFixed(2)} s | ${s.rssMiB.toFixed(0)} MiB | ${s.runs} |`
}

function main(): void {
  const before = option('--before', DEFAULT_BEFORE)
  const runs = Number(option('--runs', '3'))
  const secondRuns = Number(option('--second-runs', '5'))
  const dir = mkdtempSync(join(tmpdir(), 'bench-start-'))
  try {
    const beforeTree = join(dir, 'before')
    execFileSync('mkdir', ['-p', beforeTree])
    exportTree(before, beforeTree)
    const trees = { before: beforeTree, after: process.cwd() }
    // One start each first: builds dist/ for the exported tree, warms the module caches.
    for (const [name, tree] of Object.entries(trees)) start(tree, join(dir, `warm-${name}.duckdb`))
    const fresh: Record<string, Sample[]> = { before: [], after: [] }
    const second: Record<string, Sample[]> = { before: [], after: [] }
    for (let i = 0; i < runs; i++) {
      for (const [name, tree] of Object.entries(trees)) {
        const warehouse = join(dir, `${name}-${i}.duckdb`)
        fresh[name]?.push(start(tree, warehouse))
        process.stderr.write(`fresh ${name} ${i + 1}/${runs}: ${fresh[name]?.at(-1)?.seconds.toFixed(2)} s\n`)
      }
    }
    for (let i = 0; i < secondRuns; i++) {
      for (const [name, tree] of Object.entries(trees)) {
        second[name]?.push(start(tree, join(dir, `${name}-0.duckdb`)))
        process.stderr.write(`second ${name} ${i + 1}/${secondRuns}: ${second[name]?.at(-1)?.seconds.toFixed(2)} s\n`)
      }
    }
    const f = { before: summarize(fresh.before ?? []), after: summarize(fresh.after ?? []) }
    const s = { before: summarize(second.before ?? []), after: summarize(second.after ?? []) }
    console.log(`| start | median | min–max | peak RSS | runs |\n| --- | --- | --- | --- | --- |`)
    console.log(line(`fresh, before (${before})`, f.before))
    console.log(line('fresh, after (this tree)', f.after))
    console.log(line(`second, before (${before})`, s.before))
    console.log(line('second, after (this tree)', s.after))
    console.log(`\nfresh: after / before = ${(f.after.median / f.before.median).toFixed(2)}`)
    console.log(`second: after / before = ${(s.after.median / s.before.median).toFixed(2)}`)
    console.log(`load average at the end: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`)
    // Where the time goes (`start --profile`): one fresh and one second start of each tree.
    for (const [name, tree] of Object.entries(trees)) {
      const warehouse = join(dir, `${name}-profile.duckdb`)
      for (const which of ['fresh', 'second']) {
        const { stdout, stderr, seconds } = start(tree, warehouse, true)
        const seeded = /^seeded in .*$/m.exec(stderr)?.[0]
        console.log(
          `\n${which} start --profile, ${name} (${seconds.toFixed(2)} s${seeded ? `; ${seeded}` : ''}):\n${profileBlock(stdout)}`,
        )
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main()

/**
 * Growth with the sample's size: 1, 2 and 5 seasons seeded and built, whole process from disk.
 *   seed  = `node bin/pipeline.js seed --seasons N` on a new warehouse;
 *   build = `node bin/pipeline.js start` on it (migrations, full build from the first season's October,
 *           checks, summary), with NBA_HISTORY_START set to that date (includes/sql-helpers.ts).
 * The table gives both, their sum, and seconds per 10,000 player-games (close to constant = linear).
 * With --before REF, that commit (exported with `git archive`, borrowing this checkout's node_modules)
 * runs too, alternated with this tree run by run, so load on a shared machine falls on both alike.
 *
 *   npx tsx scripts/bench/seasons.ts [--seasons 1,2,5] [--runs N] [--before REF]
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { runOnce, summarize } from './measure.js'
import type { Sample } from './measure.js'

/** The sample's last season starts in 2025 (box scores through 2026-01-31). */
const LAST_SEASON = 2025

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name)
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback
}

/**
 * Run the CLI; exit 1 is accepted from `start` (the build ran; a check failed, e.g. the hit-rate floor
 * on an older season the model was not trained for) and the failing actions are reported.
 */
function pipeline(tree: string, args: readonly string[], env: NodeJS.ProcessEnv, failed: Set<string>): Sample {
  const sample = runOnce('node', ['bin/pipeline.js', ...args], {
    cwd: tree,
    env: { ...process.env, BUILD_COMMIT_SHA: 'bench', CI: '1', ...env },
  })
  const built = sample.status === 1 && /rows written/.test(sample.stdout)
  if (sample.status !== 0 && !built)
    throw new Error(`pipeline ${args.join(' ')} exited ${sample.status}: ${sample.stderr.slice(-2000)}`)
  for (const match of `${sample.stdout}\n${sample.stderr}`.matchAll(/^FAIL +(\S+)/gm)) failed.add(match[1] ?? '')
  return sample
}

async function playerGames(warehouse: string): Promise<number> {
  const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' })
  try {
    const connection = await instance.connect()
    const reader = await connection.runAndReadAll('SELECT count(*) AS n FROM nba_analytics.player_game_summary')
    return Number(reader.getRowObjectsJS()[0]?.n ?? 0)
  } finally {
    instance.closeSync()
  }
}

interface Tree {
  readonly label: string
  readonly dir: string
}

interface TreeRuns {
  readonly seeds: Sample[]
  readonly builds: Sample[]
  readonly totals: Sample[]
  readonly failed: Set<string>
  games: number
}

/** A commit as a directory of its files, sharing this checkout's node_modules. */
function exportTree(ref: string, into: string): void {
  execFileSync('sh', ['-c', `git archive ${JSON.stringify(ref)} | tar -x -C ${JSON.stringify(into)}`])
  symlinkSync(resolve('node_modules'), join(into, 'node_modules'))
}

async function seedAndBuild(tree: Tree, n: number, warehouse: string, runs: TreeRuns): Promise<void> {
  const env = { NBA_HISTORY_START: `${LAST_SEASON - n + 1}-10-01` }
  const seed = pipeline(tree.dir, ['--warehouse', warehouse, 'seed', '--seasons', String(n)], env, runs.failed)
  const build = pipeline(tree.dir, ['--warehouse', warehouse, 'start'], env, runs.failed)
  runs.seeds.push(seed)
  runs.builds.push(build)
  runs.totals.push({ ...build, seconds: seed.seconds + build.seconds, rssMiB: Math.max(seed.rssMiB, build.rssMiB) })
  runs.games = await playerGames(warehouse)
  rmSync(warehouse, { force: true })
  process.stderr.write(
    `${tree.label}, ${n} season(s) ${runs.seeds.length}: seed ${seed.seconds.toFixed(2)} s, build ${build.seconds.toFixed(2)} s\n`,
  )
}

function tableRow(tree: Tree, n: number, runs: TreeRuns, showTree: boolean): string {
  const [seed, build, total] = [summarize(runs.seeds), summarize(runs.builds), summarize(runs.totals)]
  return (
    `| ${showTree ? `${tree.label} | ` : ''}${n} | ${runs.games.toLocaleString('en-US')} | ${seed.median.toFixed(2)} s | ` +
    `${build.median.toFixed(2)} s | ${total.median.toFixed(2)} s (${total.min.toFixed(2)}–${total.max.toFixed(2)}) | ` +
    `${((total.median / runs.games) * 10_000).toFixed(2)} s | ${total.rssMiB.toFixed(0)} MiB | ${runs.seeds.length} | ` +
    `${runs.failed.size ? `failed: ${[...runs.failed].join(', ')}` : 'all passed'} |`
  )
}

async function main(): Promise<void> {
  const seasons = option('--seasons', '1,2,5').split(',').map(Number)
  const runs = Number(option('--runs', '1'))
  const before = option('--before', '')
  const dir = mkdtempSync(join(tmpdir(), 'bench-seasons-'))
  const rows: string[] = []
  try {
    const trees: Tree[] = [{ label: 'this tree', dir: process.cwd() }]
    if (before) {
      const beforeDir = join(dir, 'before')
      execFileSync('mkdir', ['-p', beforeDir])
      exportTree(before, beforeDir)
      trees.unshift({ label: `before (${before})`, dir: beforeDir })
    }
    for (const n of seasons) {
      const results = trees.map(() => ({ seeds: [], builds: [], totals: [], failed: new Set<string>(), games: 0 }))
      for (let i = 0; i < runs; i++)
        for (const [t, tree] of trees.entries())
          await seedAndBuild(tree, n, join(dir, `seasons-${n}-${t}-${i}.duckdb`), results[t] as TreeRuns)
      for (const [t, tree] of trees.entries()) rows.push(tableRow(tree, n, results[t] as TreeRuns, trees.length > 1))
    }
    const treeColumn = trees.length > 1 ? ['tree | ', '--- | '] : ['', '']
    console.log(
      `| ${treeColumn[0]}seasons | player-games | seed | build (\`start\`) | seeded and built | per 10k player-games | peak RSS | runs | checks |`,
    )
    console.log(`| ${treeColumn[1]}--- | --- | --- | --- | --- | --- | --- | --- | --- |`)
    for (const row of rows) console.log(row)
    console.log(`\nload average at the end: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()

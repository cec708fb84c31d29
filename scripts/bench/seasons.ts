/**
 * Growth with the sample's size: 1, 2 and 5 seasons seeded and built, whole process from disk.
 *   seed  = `node bin/pipeline.js seed --seasons N` on a new warehouse;
 *   build = `node bin/pipeline.js start` on it (migrations, full build from the first season's October,
 *           checks, summary), with NBA_HISTORY_START set to that date (includes/sql-helpers.ts).
 * The table gives both, their sum, and seconds per 10,000 player-games (close to constant = linear).
 *
 *   npx tsx scripts/bench/seasons.ts [--seasons 1,2,5] [--runs N]
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
function pipeline(args: readonly string[], env: NodeJS.ProcessEnv, failed: Set<string>): Sample {
  const sample = runOnce('node', ['bin/pipeline.js', ...args], {
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

async function main(): Promise<void> {
  const seasons = option('--seasons', '1,2,5').split(',').map(Number)
  const runs = Number(option('--runs', '1'))
  const dir = mkdtempSync(join(tmpdir(), 'bench-seasons-'))
  const rows: string[] = []
  try {
    for (const n of seasons) {
      const env = { NBA_HISTORY_START: `${LAST_SEASON - n + 1}-10-01` }
      const seeds: Sample[] = []
      const builds: Sample[] = []
      const totals: Sample[] = []
      let games = 0
      const failed = new Set<string>()
      for (let i = 0; i < runs; i++) {
        const warehouse = join(dir, `seasons-${n}-${i}.duckdb`)
        const seed = pipeline(['--warehouse', warehouse, 'seed', '--seasons', String(n)], env, failed)
        const build = pipeline(['--warehouse', warehouse, 'start'], env, failed)
        seeds.push(seed)
        builds.push(build)
        totals.push({ ...build, seconds: seed.seconds + build.seconds, rssMiB: Math.max(seed.rssMiB, build.rssMiB) })
        games = await playerGames(warehouse)
        rmSync(warehouse, { force: true })
        process.stderr.write(
          `${n} season(s) ${i + 1}/${runs}: seed ${seed.seconds.toFixed(2)} s, build ${build.seconds.toFixed(2)} s\n`,
        )
      }
      const [seed, build, total] = [summarize(seeds), summarize(builds), summarize(totals)]
      rows.push(
        `| ${n} | ${games.toLocaleString('en-US')} | ${seed.median.toFixed(2)} s | ${build.median.toFixed(2)} s | ` +
          `${total.median.toFixed(2)} s (${total.min.toFixed(2)}–${total.max.toFixed(2)}) | ` +
          `${((total.median / games) * 10_000).toFixed(2)} s | ${total.rssMiB.toFixed(0)} MiB | ${runs} | ` +
          `${failed.size ? `failed: ${[...failed].join(', ')}` : 'all passed'} |`,
      )
    }
    console.log(
      '| seasons | player-games | seed | build (`start`) | seeded and built | per 10k player-games | peak RSS | runs | checks |',
    )
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for (const row of rows) console.log(row)
    console.log(`\nload average at the end: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()

/**
 * The kill -9 scenarios on the NBA sample (one season through 2025-12-10), for BENCHMARKS.md:
 *
 *   npm run reliability                       # 6 kill points for run, 5 per backfill scenario
 *   npm run reliability -- --points 3         # fewer
 *   npm run reliability -- --only nba-backfill  # the scenarios whose name starts so
 *   npm run reliability -- --only nba-run --at 120,240   # kill after these writes
 *   npm run reliability -- --keep             # keep the warehouses (and say where)
 *
 * - nba-run: a daily `run` on a migrated, seeded warehouse, killed after its N-th write, then run again.
 * - nba-backfill: a backfill of 2025-11-20..2025-12-05 at a newer build, killed, then run again (resumes
 *   the intervals the killed backfill completed: same build, same settings).
 * - nba-backfill-newer-build: the same backfill killed, then a still newer build is deployed (its daily
 *   run regrades the range) and backfills the range: no active row of the range may keep an older build.
 *
 * The CLI runs from a clean clone of this repository's HEAD (a backfill refuses uncommitted code).
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCommand, runScenario } from './kill-harness.js'
import type { Rows, Scenario, ScenarioReport } from './kill-harness.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const BUILD = { a: 'a'.repeat(40), b: 'b'.repeat(40), c: 'c'.repeat(40) }
const FROM = '2025-11-20'
const TO = '2025-12-05'
const FS = 'nba_predictions.ml_feature_store_v2'
const PPP = 'nba_predictions.player_prop_predictions'

function clone(dir: string): string {
  const project = join(dir, 'project')
  execFileSync('git', ['clone', '--quiet', REPO, project])
  symlinkSync(join(REPO, 'node_modules'), join(project, 'node_modules'))
  writeFileSync(join(project, '.git', 'info', 'exclude'), 'node_modules\n')
  return project
}

function scenarios(project: string, dir: string): Scenario[] {
  const base = {
    project,
    cwd: project,
    cli: [process.execPath, join(project, 'bin', 'pipeline.js')],
    // The killed run's execution-log rows stay, marked interrupted: an audit trail, not data.
    compareWhere: { 'nba_predictions.prediction_execution_log': "status <> 'interrupted'" },
  }
  const run = (build: string) => ({ argv: ['run'], env: { BUILD_COMMIT_SHA: build } })
  const backfill = (build: string) => ({
    argv: [
      'backfill',
      '--from',
      FROM,
      '--to',
      TO,
      '--actions',
      'ml_feature_store_v2',
      '--reason',
      'kill harness',
      '--yes',
    ],
    env: { BUILD_COMMIT_SHA: build },
  })
  const nbaRun: Scenario = {
    ...base,
    name: 'nba-run',
    command: run(BUILD.a),
    prepare: async (warehouse) => {
      for (const argv of [
        ['migrate', 'up'],
        ['seed', '--seasons', '1', '--through', '2025-12-10'],
      ]) {
        const outcome = await runCommand(nbaRun, warehouse, { argv, env: { BUILD_COMMIT_SHA: BUILD.a } })
        if (outcome.code !== 0) throw new Error(`${argv.join(' ')} failed\n${outcome.stderr}`)
      }
    },
  }
  // Built at build a (the reference of nba-run), then build b deployed: its daily run records it.
  const builtAtB = async (scenario: Scenario, warehouse: string) => {
    const builtAtA = join(dir, 'nba-run-reference.duckdb')
    if (!existsSync(builtAtA)) {
      await nbaRun.prepare(builtAtA)
      const outcome = await runCommand(scenario, builtAtA, run(BUILD.a))
      if (outcome.code !== 0) throw new Error(`run at build a failed\n${outcome.stderr}`)
    }
    copyFileSync(builtAtA, warehouse)
    const outcome = await runCommand(scenario, warehouse, run(BUILD.b))
    if (outcome.code !== 0) throw new Error(`daily run at build b failed\n${outcome.stderr}`)
  }
  const nbaBackfill: Scenario = {
    ...base,
    name: 'nba-backfill',
    command: backfill(BUILD.b),
    prepare: (warehouse) => builtAtB(nbaBackfill, warehouse),
  }
  const newer: Scenario = {
    ...base,
    name: 'nba-backfill-newer-build',
    command: backfill(BUILD.b),
    // The deploy gate wants a successful daily run of the new build; a backfill killed between its
    // predictions and its grading leaves the range's grading stale, which the daily run's assertions
    // (rightly) fail on. The operator regrades the range on the new build, then backfills it.
    resume: {
      before: [
        {
          argv: ['run', '--actions', 'prediction_accuracy', '--from', FROM, '--to', TO, '--restate'],
          env: { BUILD_COMMIT_SHA: BUILD.c },
        },
      ],
      command: backfill(BUILD.c),
    },
    prepare: (warehouse) => builtAtB(newer, warehouse),
    invariants: newerBuildInvariants,
  }
  return [nbaRun, nbaBackfill, newer]
}

/** After the newer build's backfill: every active row of the range is its; as many active predictions as without the kill. */
async function newerBuildInvariants(rows: Rows, reference: Rows): Promise<string[]> {
  const problems: string[] = []
  const range = `game_date BETWEEN DATE '${FROM}' AND DATE '${TO}'`
  const n = async (r: Rows, sql: string) => Number((await r(sql))[0]?.n ?? 0)
  const oldFeatures = await n(
    rows,
    `SELECT COUNT(*) AS n FROM ${FS} WHERE ${range} AND build_commit_sha <> '${BUILD.c}'`,
  )
  if (oldFeatures) problems.push(`${oldFeatures} feature row(s) of the range keep an older build`)
  const oldActive = await n(
    rows,
    `SELECT COUNT(*) AS n FROM ${PPP} WHERE ${range} AND is_active AND build_commit_sha <> '${BUILD.c}'`,
  )
  if (oldActive) problems.push(`${oldActive} active prediction(s) of the range keep an older build`)
  const active = `SELECT COUNT(*) AS n FROM ${PPP} WHERE ${range} AND is_active`
  const [got, want] = [await n(rows, active), await n(reference, active)]
  if (got !== want) problems.push(`${got} active predictions in the range, ${want} without the kill`)
  return problems
}

function table(reports: readonly ScenarioReport[]): string {
  const lines = [
    '| scenario | writes | kill points (after write N) | killed | rows compared | rows lost | rows extra | tables differing | problems |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const r of reports) {
    const sum = (f: (p: ScenarioReport['points'][number]) => number) => r.points.reduce((s, p) => s + f(p), 0)
    lines.push(
      `| ${r.name} | ${r.writes} | ${r.points.map((p) => p.afterWrites).join(', ')} | ${sum((p) => (p.killed ? 1 : 0))}/${r.points.length} | ${sum((p) => p.rowsCompared)} | ${sum((p) => p.rowsLost)} | ${sum((p) => p.rowsExtra)} | ${sum((p) => p.differences.length)} | ${sum((p) => p.problems.length)} |`,
    )
  }
  return `${lines.join('\n')}\n`
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--points')
  const at = process.argv.indexOf('--at')
  const points =
    at > 0 ? (process.argv[at + 1] ?? '').split(',').map(Number) : flag > 0 ? Number(process.argv[flag + 1]) : undefined
  const onlyFlag = process.argv.indexOf('--only')
  const only = onlyFlag > 0 ? process.argv[onlyFlag + 1] : undefined
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-kill-'))
  const log = (line: string) => process.stderr.write(`${line}\n`)
  try {
    const project = clone(dir)
    const reports: ScenarioReport[] = []
    const [nbaRun, nbaBackfill, newer] = scenarios(project, dir)
    for (const [scenario, n] of [
      [nbaRun, points ?? 6],
      [nbaBackfill, points ?? 5],
      [newer, points ?? 5],
    ] as const) {
      if (!scenario || (only && !scenario.name.startsWith(only))) continue
      const started = performance.now()
      if (scenario) reports.push(await runScenario(scenario, { dir, points: n, log }))
      log(`${scenario?.name}: ${((performance.now() - started) / 1000).toFixed(0)} s`)
    }
    process.stdout.write(table(reports))
    for (const r of reports)
      for (const p of r.points)
        for (const line of [...p.differences, ...p.problems])
          process.stdout.write(`${r.name} @${p.afterWrites}: ${line}\n`)
    const failed = reports.some((r) => r.points.some((p) => p.differences.length || p.problems.length || p.rowsLost))
    process.exitCode = failed ? 1 : 0
  } finally {
    if (process.argv.includes('--keep')) log(`kept ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}

await main()

/**
 * kill -9 harness: start a real CLI command in a child process, kill it with SIGKILL after its N-th
 * write to the warehouse (PIPELINE_KILL_AFTER_WRITES, src/cli/kill-switch.ts: after staging, an audit's
 * bookkeeping, a publish, a hook, the run records), run it again, and compare every persistent table
 * with an uninterrupted run of the same command on the same starting warehouse (rows and an
 * order-independent checksum of every column except run-dependent ones: scripts/fingerprint.ts).
 * Invariants checked after each resume: no run left 'running', the killed run 'interrupted', no
 * execution-log row left 'started', one active prediction per key, no staging table left over.
 *
 * The scenarios on the NBA sample are in kill-scenarios.ts (`npm run reliability`); a fast version on
 * the shop fixture runs in the test suite (test/reliability/kill-resume.test.ts).
 */
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { fingerprintTables } from '../fingerprint.js'

export type Rows = (sql: string) => Promise<Record<string, unknown>[]>

export interface Command {
  /** Arguments after the global flags, e.g. ['run'] or ['backfill', '--from', ...]. */
  readonly argv: readonly string[]
  /** Environment added for this command (BUILD_COMMIT_SHA, ...). */
  readonly env?: Readonly<Record<string, string>>
}

export interface Scenario {
  readonly name: string
  /** Project root (--project). */
  readonly project: string
  /** The CLI to run: program and leading arguments, e.g. ['node', 'bin/pipeline.js']. */
  readonly cli: readonly string[]
  /** Working directory of the CLI. */
  readonly cwd: string
  /** Build the starting warehouse at this path. */
  readonly prepare: (warehouse: string) => Promise<void>
  /** The command that is killed, then run again to completion. */
  readonly command: Command
  /**
   * How the command is resumed, when not the same command: e.g. a newer build after a deploy
   * (`before` runs first). Tables are then not compared with the uninterrupted run; `invariants` judge.
   */
  readonly resume?: { readonly before?: readonly Command[]; readonly command: Command }
  /**
   * Rows of audit tables a kill legitimately adds, left out of the comparison (table → SQL condition of
   * the rows compared), e.g. the execution-log rows of the killed run, kept and marked interrupted.
   */
  readonly compareWhere?: Readonly<Record<string, string>>
  /** Further checks after the resume (problems as text); `reference` is the uninterrupted warehouse. */
  readonly invariants?: (rows: Rows, reference: Rows) => Promise<string[]>
}

export interface PointReport {
  /** The command was killed after this many writes. */
  readonly afterWrites: number
  /** False when the command finished before reaching the point. */
  readonly killed: boolean
  /** Tables whose rows or checksum differ from the uninterrupted run (empty when not compared). */
  readonly differences: readonly string[]
  /** Rows compared, over every table. */
  readonly rowsCompared: number
  /** Rows missing (reference minus resumed, per table, when positive). */
  readonly rowsLost: number
  /** Rows in excess (resumed minus reference, per table, when positive). */
  readonly rowsExtra: number
  readonly problems: readonly string[]
}

export interface ScenarioReport {
  readonly name: string
  /** Writes of the uninterrupted command. */
  readonly writes: number
  readonly points: readonly PointReport[]
}

interface Outcome {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** stdout and stderr, interleaved. */
  readonly stderr: string
}

const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^PIPELINE_/.test(key)))

/** Run the CLI on a warehouse in a child process. */
export function runCommand(scenario: Scenario, warehouse: string, command: Command, extraEnv = {}): Promise<Outcome> {
  const [program, ...lead] = scenario.cli
  return new Promise((resolve, reject) => {
    const child = spawn(
      program ?? 'node',
      [...lead, '--project', scenario.project, '--warehouse', warehouse, ...command.argv],
      { cwd: scenario.cwd, env: { ...CLEAN_ENV, ...command.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    // One transcript: what the command printed on both streams, for the error when it fails.
    let stderr = ''
    const keep = (chunk: Buffer) => {
      stderr += chunk.toString()
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stderr }))
  })
}

/** Open a warehouse read-only for the length of `work`. */
export async function withRows<T>(warehouse: string, work: (rows: Rows) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' })
  const connection = await instance.connect()
  try {
    return await work(async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson())
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

function copyWarehouse(from: string, to: string): void {
  copyFileSync(from, to)
  if (existsSync(`${from}.wal`)) copyFileSync(`${from}.wal`, `${to}.wal`)
}

async function succeed(
  scenario: Scenario,
  warehouse: string,
  command: Command,
  extraEnv = {},
  codes: readonly number[] = [0],
): Promise<void> {
  const outcome = await runCommand(scenario, warehouse, command, extraEnv)
  if (outcome.code === null || !codes.includes(outcome.code))
    throw new Error(
      `${scenario.name}: "${command.argv.join(' ')}" exited ${outcome.code ?? outcome.signal}\n${outcome.stderr}`,
    )
}

/** Kill points spread evenly over `writes` (1-based, distinct), or the given ones. */
export function spreadPoints(writes: number, points: number | readonly number[]): number[] {
  if (typeof points !== 'number') return [...points]
  const spread = Array.from({ length: points }, (_, i) => Math.max(1, Math.round(((i + 1) * writes) / (points + 1))))
  return [...new Set(spread)]
}

/** Run the scenario: the uninterrupted reference, then one killed-and-resumed copy per kill point. */
export async function runScenario(
  scenario: Scenario,
  options: { dir: string; points: number | readonly number[]; log?: (line: string) => void },
): Promise<ScenarioReport> {
  const log = options.log ?? (() => undefined)
  const base = join(options.dir, `${scenario.name}-base.duckdb`)
  await scenario.prepare(base)
  const reference = join(options.dir, `${scenario.name}-reference.duckdb`)
  copyWarehouse(base, reference)
  const countFile = join(options.dir, `${scenario.name}-writes.txt`)
  await succeed(scenario, reference, scenario.command, { PIPELINE_COUNT_WRITES_TO: countFile })
  const writes = Number(readFileSync(countFile, 'utf8').trim())
  const expected = await withRows(reference, (rows) =>
    fingerprintTables(rows, { ...(scenario.compareWhere ? { where: scenario.compareWhere } : {}) }),
  )
  log(`${scenario.name}: the uninterrupted command makes ${writes} writes`)
  const points: PointReport[] = []
  for (const point of spreadPoints(writes, options.points)) {
    const warehouse = join(options.dir, `${scenario.name}-killed-${point}.duckdb`)
    copyWarehouse(base, warehouse)
    const killed = await runCommand(scenario, warehouse, scenario.command, {
      PIPELINE_KILL_AFTER_WRITES: String(point),
    })
    // 137 = 128 + SIGKILL: what a wrapper (tsx) reports when the process it runs was killed.
    const wasKilled = killed.signal === 'SIGKILL' || killed.code === 137
    if (!wasKilled && killed.code !== 0)
      throw new Error(`${scenario.name}: the command failed (${killed.code}) instead of being killed\n${killed.stderr}`)
    // A command run before the resume (a deploy's daily run) may fail on the half-done work: it must say so (exit 1).
    for (const before of scenario.resume?.before ?? []) await succeed(scenario, warehouse, before, {}, [0, 1])
    await succeed(scenario, warehouse, scenario.resume?.command ?? scenario.command)
    const report = await withRows(warehouse, (rows) =>
      withRows(reference, async (referenceRows) => {
        const actual = await fingerprintTables(rows, {
          ...(scenario.compareWhere ? { where: scenario.compareWhere } : {}),
        })
        const problems = [
          ...(await commonInvariants(rows, referenceRows, wasKilled, scenario.resume?.before?.length ?? 0)),
          ...((await scenario.invariants?.(rows, referenceRows)) ?? []),
        ]
        return { ...compareTables(expected, actual, scenario.resume === undefined), problems }
      }),
    )
    points.push({ afterWrites: point, killed: wasKilled, ...report })
    log(
      `${scenario.name}: killed after write ${point}${wasKilled ? '' : ' (finished first)'}: ${report.differences.length} table(s) differ, ${report.rowsLost} row(s) lost, ${report.rowsExtra} extra, ${report.problems.length} problem(s)`,
    )
    for (const line of [...report.differences, ...report.problems]) log(`  ${line}`)
  }
  return { name: scenario.name, writes, points }
}

function compareTables(
  expected: Record<string, Record<string, unknown>>,
  actual: Record<string, Record<string, unknown>>,
  compare: boolean,
): Pick<PointReport, 'differences' | 'rowsCompared' | 'rowsLost' | 'rowsExtra'> {
  const differences: string[] = []
  let rowsCompared = 0
  let rowsLost = 0
  let rowsExtra = 0
  for (const table of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const want = Number(expected[table]?.rows ?? 0)
    const got = Number(actual[table]?.rows ?? 0)
    rowsCompared += got
    if (!compare) continue
    rowsLost += Math.max(0, want - got)
    rowsExtra += Math.max(0, got - want)
    if (
      want !== got ||
      expected[table]?.sum !== actual[table]?.sum ||
      expected[table]?.checksum !== actual[table]?.checksum
    )
      differences.push(`${table}: ${want} → ${got} rows${want === got ? ', values differ' : ''}`)
  }
  return { differences, rowsCompared, rowsLost, rowsExtra }
}

async function count(rows: Rows, sql: string): Promise<number> {
  return Number((await rows(sql))[0]?.n ?? 0)
}

async function tableExists(rows: Rows, schema: string, table: string): Promise<boolean> {
  return (
    (await count(
      rows,
      `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = '${schema}' AND table_name = '${table}'`,
    )) > 0
  )
}

/** What must hold after any kill and resume, whatever the project. */
async function commonInvariants(rows: Rows, reference: Rows, killed: boolean, extraRuns: number): Promise<string[]> {
  const problems: string[] = []
  const statuses = await rows(
    `SELECT status, COUNT(*) AS n FROM pipeline_state.runs WHERE command IN ('run', 'backfill') GROUP BY ALL`,
  )
  const byStatus = Object.fromEntries(statuses.map((s) => [String(s.status), Number(s.n)]))
  if (byStatus.running) problems.push(`${byStatus.running} run(s) still recorded as running`)
  const other = Object.keys(byStatus).filter((s) => !['succeeded', 'interrupted', 'failed'].includes(s))
  if (other.length) problems.push(`runs with status ${other.join(', ')}`)
  // The killed command recorded a run when the resumed warehouse has a run more than the uninterrupted one
  // (beyond the `extraRuns` commands run before the resume).
  const runs = `SELECT COUNT(*) AS n FROM pipeline_state.runs WHERE command IN ('run', 'backfill')`
  const started = (await count(rows, runs)) - (await count(reference, runs)) - extraRuns > 0
  if (killed && started && !byStatus.interrupted) problems.push('the killed run is not recorded as interrupted')
  const staging = `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name LIKE '%staging%'`
  const left = (await count(rows, staging)) - (await count(reference, staging))
  if (left > 0) problems.push(`${left} staging table(s) left over`)
  if (await tableExists(rows, 'nba_predictions', 'prediction_execution_log')) {
    const started = await count(
      rows,
      `SELECT COUNT(*) AS n FROM nba_predictions.prediction_execution_log WHERE status = 'started'`,
    )
    if (started) problems.push(`${started} execution-log row(s) left 'started'`)
  }
  if (await tableExists(rows, 'nba_predictions', 'player_prop_predictions')) {
    const keys = await count(
      rows,
      `SELECT COUNT(*) AS n FROM (SELECT game_id, player_lookup, system_id FROM nba_predictions.player_prop_predictions
        GROUP BY ALL HAVING COUNT(*) FILTER (WHERE is_active) <> 1)`,
    )
    if (keys) problems.push(`${keys} prediction key(s) without exactly one active row`)
  }
  return problems
}

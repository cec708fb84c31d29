/**
 * Every replay must fail when its stopping check is removed (issue 14). For each incident of
 * docs/incidents.json with a replay, this runs the replay test (vitest, one file at a time) with the
 * row's audit and standalone checks removed by the test harness (PIPELINE_TEST_REMOVE_CHECKS, read by
 * test/support/removed-checks.ts only), and reports which of its tests failed. With --write the
 * outcome goes into the json (`removal`) and docs/incidents.md is regenerated. Stops that are not
 * checks (a backfill preflight, the warehouse lock, a compile rule) cannot be removed by name: their
 * row keeps its `notRemovable` note, which says where the replay shows the incident without them.
 *
 *   npx tsx scripts/incidents-removal.ts [--only I-8,I-19] [--write]
 *
 * Slow (each replay builds its sample: about a minute each, 20-30 minutes in all), so not part of npm test.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { MATRIX_DOC, MATRIX_SOURCE, matrixSchema, readMatrix, renderMatrix } from './incidents-matrix.js'
import type { Matrix, Removal } from './incidents-matrix.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REMOVABLE = new Set(['audit', 'standalone'])

const vitestReport = z.object({
  testResults: z.array(
    z.object({
      status: z.string(),
      message: z.string().optional(),
      assertionResults: z.array(
        z.object({ title: z.string(), status: z.string(), failureMessages: z.array(z.string()).default([]) }),
      ),
    }),
  ),
})

type Incident = Matrix['incidents'][number]
/** A removal that was run (not a notRemovable note). */
type Tried = Exclude<Removal, { notRemovable: string }>

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? ''
  return line.trim().slice(0, 300)
}

/** Runs the replay of `incident` without its removable checks; undefined when it has none. */
function tryRemoval(incident: Incident, commit: string): Tried | undefined {
  const removed = [...new Set(incident.checks.filter((c) => REMOVABLE.has(c.where)).map((c) => c.name))]
  if (!incident.replay || removed.length === 0) return undefined
  const dir = mkdtempSync(join(tmpdir(), 'incident-removal-'))
  const output = join(dir, 'report.json')
  try {
    const result = spawnSync('npx', ['vitest', 'run', incident.replay, '--reporter=json', `--outputFile=${output}`], {
      cwd: ROOT,
      env: { ...process.env, PIPELINE_TEST_REMOVE_CHECKS: removed.join(',') },
      encoding: 'utf8',
    })
    let report
    try {
      report = vitestReport.parse(JSON.parse(readFileSync(output, 'utf8')))
    } catch {
      throw new Error(`${incident.id}: vitest wrote no report (exit ${result.status}): ${result.stderr.slice(-2000)}`)
    }
    const tests = report.testResults.flatMap((file) => file.assertionResults)
    const fileError = report.testResults.map((file) => file.message ?? '').find((m) => m.length > 0) ?? ''
    // A hook that throws (beforeAll) fails the file and leaves its tests unrun: every test not passed failed.
    const fileFailed = report.testResults.some((file) => file.status === 'failed')
    const failed = tests.filter((t) => t.status === 'failed' || (fileFailed && t.status !== 'passed'))
    const [first = undefined] = failed
    return {
      removed: [removed[0]!, ...removed.slice(1)],
      failed: failed.map((t) => t.title),
      tests: tests.length,
      firstError: firstLine(first?.failureMessages[0] || fileError),
      commit,
      date: new Date().toISOString().slice(0, 10),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function main(argv: readonly string[]): number {
  const only = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] ?? '').split(',') : null
  const write = argv.includes('--write')
  const matrix = readMatrix(ROOT)
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
  let passing = 0
  const incidents = matrix.incidents.map((incident) => {
    if (only && !only.includes(incident.id)) return incident
    const removal = tryRemoval(incident, commit)
    if (!removal) {
      process.stdout.write(
        `${incident.id}: no check to remove by name (${incident.removal ? 'note kept' : 'no note'})\n`,
      )
      return incident
    }
    if (removal.failed.length === 0) passing++
    process.stdout.write(
      `${incident.id}: without ${removal.removed.join(', ')}: ${removal.failed.length} of ${removal.tests} tests failed` +
        `${removal.failed.length ? ` (${removal.failed.join('; ')}): ${removal.firstError}` : ' — THE REPLAY PASSES'}\n`,
    )
    return { ...incident, removal }
  })
  if (write) {
    const updated = matrixSchema.parse({ ...matrix, incidents })
    writeFileSync(join(ROOT, MATRIX_SOURCE), `${JSON.stringify(updated, null, 2)}\n`)
    execFileSync('npx', ['prettier', '--write', MATRIX_SOURCE], { cwd: ROOT, stdio: 'ignore' })
    writeFileSync(join(ROOT, MATRIX_DOC), renderMatrix(updated))
  }
  return passing === 0 ? 0 : 1
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = main(process.argv.slice(2))

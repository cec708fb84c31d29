/**
 * The incident matrix: docs/incidents.md generated from docs/incidents.json (one row per incident of
 * DOMAIN §7.1: what broke, the checks that stop it and where they run, the replay test, what the
 * replay measured). `npx tsx scripts/incidents-matrix.ts --write` rewrites the markdown; without
 * --write it exits 1 when the markdown is stale. test/incidents/matrix.test.ts runs the same check.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const MATRIX_SOURCE = 'docs/incidents.json'
export const MATRIX_DOC = 'docs/incidents.md'

const checkSchema = z.strictObject({
  /** DOMAIN §7.2 id (A-xx), or a short name for checks DOMAIN does not number. */
  id: z.string().min(1),
  /** The check's name as the run output prints it (or a text the replay asserts). */
  name: z.string().min(1),
  where: z.enum(['audit', 'standalone', 'preflight', 'lock', 'compile']),
})

/** What scripts/incidents-removal.ts observed running the replay with its stopping checks removed. */
const removalSchema = z.union([
  z.strictObject({
    /** The checks removed (PIPELINE_TEST_REMOVE_CHECKS). */
    removed: z.array(z.string().min(1)).nonempty(),
    /** Titles of the replay's tests that failed without them (the replay must fail: at least one). */
    failed: z.array(z.string()),
    tests: z.number().int().nonnegative(),
    /** First line of the first failure. */
    firstError: z.string(),
    /** The commit the replay ran at, and the date. */
    commit: z.string().min(7),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  }),
  z.strictObject({
    /** Why the harness cannot remove the stop by name (a preflight, a lock, a compile rule) and where the replay shows it without. */
    notRemovable: z.string().min(1),
  }),
])
export type Removal = z.infer<typeof removalSchema>

const incidentSchema = z.strictObject({
  id: z.string().regex(/^I-\d+$/),
  what: z.string().min(1),
  checks: z.array(checkSchema).nonempty(),
  /** Path of the replay test from the repository root; null while the incident is not replayed. */
  replay: z.string().nullable(),
  measured: z.string().min(1),
  /** The replay run with its stopping checks removed (scripts/incidents-removal.ts --write). */
  removal: removalSchema.optional(),
})

export const matrixSchema = z.strictObject({ $comment: z.string(), incidents: z.array(incidentSchema) })
export type Matrix = z.infer<typeof matrixSchema>

export function readMatrix(root = ROOT): Matrix {
  return matrixSchema.parse(JSON.parse(readFileSync(`${root}/${MATRIX_SOURCE}`, 'utf8')))
}

const cell = (text: string) => text.replaceAll('|', '\\|')

function removalCell(removal: Removal | undefined): string {
  if (!removal) return 'not tried'
  if ('notRemovable' in removal) return cell(removal.notRemovable)
  const failed = removal.failed.length
  const outcome = failed ? `replay fails, ${failed} of ${removal.tests} tests: ${removal.failed[0]}` : 'REPLAY PASSES'
  return cell(`without ${removal.removed.join(', ')}: ${outcome} (${removal.commit.slice(0, 7)}, ${removal.date})`)
}

/** The markdown table, byte-for-byte what docs/incidents.md holds. */
export function renderMatrix(matrix: Matrix): string {
  const replayed = matrix.incidents.filter((i) => i.replay !== null).length
  const lines = [
    '# Incident matrix',
    '',
    `Generated from \`${MATRIX_SOURCE}\` by \`npx tsx scripts/incidents-matrix.ts --write\`; do not edit by hand`,
    '(`test/incidents/matrix.test.ts` fails when this file is stale). One row per incident of DOMAIN.md §7.1:',
    'the checks that stop it, where they run (audit: on the staged rows before publish; standalone: after the',
    'write, blocking what reads the table; preflight: backfill go/no-go before any write; lock: the warehouse',
    'lock; compile: a test of the compiled definitions), the replay test, what it measured, and what the replay',
    'did with its stopping checks removed (`npx tsx scripts/incidents-removal.ts --write` runs each replay with',
    'PIPELINE_TEST_REMOVE_CHECKS and records the outcome in the json).',
    '',
    `${replayed} of ${matrix.incidents.length} incidents replayed.`,
    '',
    '| incident | what broke | stopped by | where | replay | measured | check removed |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...matrix.incidents
      .map((i) =>
        [
          i.id,
          cell(i.what),
          i.checks.map((c) => `${c.id} \`${cell(c.name)}\``).join('<br>'),
          [...new Set(i.checks.map((c) => c.where))].join(', '),
          i.replay ? `[${i.replay.split('/').at(-1)}](../${i.replay})` : 'none',
          cell(i.measured),
          removalCell(i.removal),
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
  ]
  return lines.join('\n')
}

function main(argv: readonly string[]): number {
  const rendered = renderMatrix(readMatrix())
  if (argv.includes('--write')) {
    writeFileSync(`${ROOT}/${MATRIX_DOC}`, rendered)
    return 0
  }
  const current = readFileSync(`${ROOT}/${MATRIX_DOC}`, 'utf8')
  if (current === rendered) return 0
  process.stderr.write(`${MATRIX_DOC} is stale: run npx tsx scripts/incidents-matrix.ts --write\n`)
  return 1
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = main(process.argv.slice(2))

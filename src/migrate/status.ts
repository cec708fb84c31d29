import type { MigrationFile } from './discover.js'
import { MIGRATIONS_FOLDER, pad } from './discover.js'
import type { LedgerRow } from './ledger.js'

/**
 * - `applied`: recorded, file unchanged.
 * - `pending`: on disk, not recorded.
 * - `drifted`: recorded, but the file's checksum (or name) differs.
 * - `missing`: recorded, but no file with that number.
 * - `interrupted`: started on an engine without transactional DDL and never recorded as done (a crash).
 * - `failed`: a statement failed on an engine without transactional DDL; partly applied.
 */
export type MigrationState = 'applied' | 'pending' | 'drifted' | 'missing' | 'interrupted' | 'failed'

export interface MigrationStatusEntry {
  readonly version: number
  readonly name: string
  /** Relative path of the file (for `missing`, where it used to be). */
  readonly file: string
  readonly state: MigrationState
  /** Checksum of the file on disk (null when missing). */
  readonly checksum: string | null
  /** Checksum recorded when applied (null when pending). */
  readonly appliedChecksum: string | null
  readonly appliedAt: string | null
  readonly buildCommitSha: string | null
  readonly durationMs: number | null
  /** For problem states: what is wrong and what to do. */
  readonly problem: string | null
}

/** Compare migrations/ with the ledger; pure. */
export function compareWithLedger(
  files: readonly MigrationFile[],
  ledger: readonly LedgerRow[],
  stateDataset: string,
): MigrationStatusEntry[] {
  const rows = new Map(ledger.map((r) => [r.version, r]))
  const entries: MigrationStatusEntry[] = files.map((file) => entryFor(file, rows.get(file.version), stateDataset))
  const known = new Set(files.map((f) => f.version))
  for (const row of ledger) {
    if (known.has(row.version)) continue
    entries.push({
      ...recorded(row),
      version: row.version,
      name: row.name,
      file: `${MIGRATIONS_FOLDER}/${row.name}.ts`,
      state: 'missing',
      checksum: null,
      problem: `${MIGRATIONS_FOLDER}/${row.name}.ts was applied (checksum ${short(row.checksum)}) but is no longer in ${MIGRATIONS_FOLDER}/; restore it from version control`,
    })
  }
  return entries.sort((a, b) => a.version - b.version)
}

function entryFor(file: MigrationFile, row: LedgerRow | undefined, stateDataset: string): MigrationStatusEntry {
  const base = { version: file.version, name: file.name, file: file.file, checksum: file.checksum }
  if (!row)
    return {
      ...base,
      state: 'pending',
      appliedChecksum: null,
      appliedAt: null,
      buildCommitSha: null,
      durationMs: null,
      problem: null,
    }
  const fix = ledgerFix(row.version, stateDataset)
  if (row.status === 'running') {
    return {
      ...base,
      ...recorded(row),
      state: 'interrupted',
      problem: `${file.file} started at ${row.startedAt} (by ${row.appliedBy ?? 'unknown'}) and never finished; its statements may be partly applied. ${fix}`,
    }
  }
  if (row.status === 'failed') {
    return {
      ...base,
      ...recorded(row),
      state: 'failed',
      problem: `${file.file} failed at ${row.startedAt}: ${row.errorMessage ?? 'unknown error'}; its statements may be partly applied. ${fix}`,
    }
  }
  if (row.checksum !== file.checksum || row.name !== file.name) {
    const renamed = row.name !== file.name ? ` (applied as "${row.name}")` : ''
    return {
      ...base,
      ...recorded(row),
      state: 'drifted',
      problem: `${file.file} changed after it was applied${renamed}: file checksum ${file.checksum}, applied checksum ${row.checksum}; restore the applied version and put the change in a new migration`,
    }
  }
  return { ...base, ...recorded(row), state: 'applied', problem: null }
}

function recorded(row: LedgerRow) {
  return {
    appliedChecksum: row.checksum,
    appliedAt: row.appliedAt,
    buildCommitSha: row.buildCommitSha,
    durationMs: row.durationMs,
  }
}

function ledgerFix(version: number, stateDataset: string): string {
  const where = `${stateDataset}.schema_migrations WHERE version = ${version}`
  return `Run "pipeline migrate verify", finish or undo the change by hand, then either DELETE FROM ${where} (to apply it again) or UPDATE ${where} SET status = 'applied' (if it is complete)`
}

/** Entries that stop `run`: anything not applied; pending ones are fixed by `migrate up`, the others need a person. */
export function blockingEntries(entries: readonly MigrationStatusEntry[]): MigrationStatusEntry[] {
  return entries.filter((e) => e.state !== 'applied')
}

/** Pending migrations numbered below an applied one cannot be applied in order. */
export function outOfOrder(entries: readonly MigrationStatusEntry[]): string[] {
  const lastApplied = Math.max(0, ...entries.filter((e) => e.state !== 'pending').map((e) => e.version))
  return entries
    .filter((e) => e.state === 'pending' && e.version < lastApplied)
    .map(
      (e) =>
        `${e.file} is pending but ${pad(lastApplied)} is already applied; give it a number after ${pad(lastApplied)}`,
    )
}

export function short(checksum: string): string {
  return checksum.slice(0, 12)
}

import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { importProjectModules } from '../compiler/project-modules.js'
import { MigrationDefinitionError, MigrationOrderError } from './migration-errors.js'
import { asMigration } from './migration.js'
import type { Migration } from './migration.js'

/** A migration file on disk, identified by number, name and content hash. */
export interface MigrationFile {
  /** The NNNN prefix as a number. */
  readonly version: number
  /** File name without extension, e.g. '0001-legacy-tables'; the ledger's `name`. */
  readonly name: string
  /** Path relative to the project root, with forward slashes. */
  readonly file: string
  readonly path: string
  /** sha256 of the file bytes, lower-case hex. */
  readonly checksum: string
}

export const MIGRATIONS_FOLDER = 'migrations'
const FILE_NAME = /^(\d{4})-([a-z0-9]+(?:-[a-z0-9]+)*)\.ts$/
const MODULE_FILE = /\.(ts|js|mts|mjs|cts|cjs)$/

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** List migrations/ in order; refuses bad names, duplicate numbers and gaps, naming every file at fault. */
export async function discoverMigrations(root: string): Promise<MigrationFile[]> {
  const dir = join(root, MIGRATIONS_FOLDER)
  const names = await listModuleFiles(dir)
  const problems: string[] = []
  const byVersion = new Map<number, string[]>()
  for (const name of names) {
    const match = FILE_NAME.exec(name)
    if (!match) {
      problems.push(
        `${MIGRATIONS_FOLDER}/${name}: bad name; use NNNN-kebab-name.ts (4 digits, lower-case words joined by "-")`,
      )
      continue
    }
    const version = Number(match[1])
    byVersion.set(version, [...(byVersion.get(version) ?? []), name])
  }
  const versions = [...byVersion.keys()].sort((a, b) => a - b)
  for (const version of versions) {
    const files = byVersion.get(version) ?? []
    if (files.length > 1)
      problems.push(
        `duplicate number ${pad(version)}: ${files.map((f) => `${MIGRATIONS_FOLDER}/${f}`).join(', ')}; renumber all but one`,
      )
  }
  versions.forEach((version, i) => {
    const expected = i === 0 ? 1 : (versions[i - 1] as number) + 1
    if (version !== expected) {
      const file = (byVersion.get(version) ?? [])[0]
      problems.push(
        `gap: ${MIGRATIONS_FOLDER}/${file} is number ${pad(version)} but ${pad(expected)} is missing; number migrations consecutively from 0001`,
      )
    }
  })
  if (problems.length) throw new MigrationOrderError(problems)
  return Promise.all(
    versions.map(async (version) => {
      const name = (byVersion.get(version) ?? [])[0] as string
      const path = join(dir, name)
      return {
        version,
        name: name.replace(/\.ts$/, ''),
        file: `${MIGRATIONS_FOLDER}/${name}`,
        path,
        checksum: sha256Hex(await readFile(path)),
      }
    }),
  )
}

async function listModuleFiles(dir: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return entries
    .filter((e) => e.isFile() && MODULE_FILE.test(e.name) && !e.name.startsWith('.') && !e.name.endsWith('.d.ts'))
    .map((e) => e.name)
    .sort()
}

/**
 * Import a migration module and check its default export. All migrations of the folder load in
 * one bundled pass (cached by content hash), so applying N migrations transpiles once.
 */
export async function loadMigration(file: MigrationFile): Promise<Migration> {
  const dir = dirname(file.path)
  const siblings = (await listModuleFiles(dir)).filter((name) => FILE_NAME.test(name)).map((name) => join(dir, name))
  const paths = siblings.includes(file.path) ? siblings : [file.path]
  const load = (await importProjectModules(dirname(dir), paths))[paths.indexOf(file.path)]
  if (!load || 'error' in load) {
    const error = load?.error ?? new Error('the module did not load')
    throw new MigrationDefinitionError(file.file, `cannot load the module: ${error.message}`, error)
  }
  const migration = asMigration(load.exports.default)
  if (typeof migration === 'string') throw new MigrationDefinitionError(file.file, migration)
  return migration
}

export function pad(version: number): string {
  return String(version).padStart(4, '0')
}

import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { dirname } from 'node:path'
import { ConfigError } from '../core/errors.js'

/** Bytes 8..12 of every DuckDB database file. */
const DUCKDB_MAGIC = 'DUCK'

// Kernel filesystems: files there are not storage, and opening some of them blocks (e.g. /proc/<pid>/...).
// /dev/shm is the exception: a tmpfs, real (if volatile) storage.
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev']
const STORAGE_UNDER_VIRTUAL = ['/dev/shm']

const EXAMPLE = 'e.g. --warehouse .pipeline/warehouse.duckdb, or --warehouse :memory:'

/**
 * Check a DuckDB warehouse path before anything opens it (bad usage: ConfigError, exit 2): an existing
 * DuckDB file, or a path that can be created (every existing ancestor a folder we may write to). Only
 * stat, access and a 12-byte read of a regular file: nothing here can block on a special file.
 */
export function checkWarehousePath(path: string, options: { readOnly?: boolean } = {}): void {
  if (path === ':memory:') return
  if (path.trim() === '') throw new ConfigError(`--warehouse is empty; give a DuckDB file path, ${EXAMPLE}`)
  const existing = nearestExisting(path)
  const real = safeRealpath(existing.path)
  const under = (root: string) => real === root || real.startsWith(`${root}/`)
  const virtual = STORAGE_UNDER_VIRTUAL.some(under) ? undefined : VIRTUAL_ROOTS.find(under)
  if (virtual)
    throw new ConfigError(
      `--warehouse "${path}" is under ${virtual}, a kernel filesystem, not storage; give a file path on disk, ${EXAMPLE}`,
    )
  if (existing.path === path) checkExisting(path, existing.stats, options.readOnly ?? false)
  else checkCreatable(path, existing.path, existing.stats)
}

function checkExisting(path: string, stats: Stats, readOnly: boolean): void {
  if (stats.isDirectory())
    throw new ConfigError(
      `--warehouse "${path}" is a folder, not a warehouse file; name a file inside it, e.g. --warehouse ${path.replace(/\/$/, '')}/warehouse.duckdb`,
    )
  if (!stats.isFile())
    throw new ConfigError(`--warehouse "${path}" is not a regular file (a device, pipe or socket); ${EXAMPLE}`)
  if (stats.size === 0)
    throw new ConfigError(
      `--warehouse "${path}" is an empty file, not a DuckDB warehouse; remove it (a new warehouse is created there) or give another path`,
    )
  if (!canAccess(path, readOnly ? constants.R_OK : constants.R_OK | constants.W_OK))
    throw new ConfigError(
      `--warehouse "${path}": no ${readOnly ? 'read' : 'read and write'} permission on the file; fix its permissions or give another path`,
    )
  if (readMagic(path) !== DUCKDB_MAGIC)
    throw new ConfigError(
      `--warehouse "${path}" is not a DuckDB database file; check the path (a new warehouse needs a path that does not exist yet)`,
    )
}

function checkCreatable(path: string, ancestor: string, stats: Stats): void {
  if (!stats.isDirectory())
    throw new ConfigError(
      `--warehouse "${path}" cannot be created: "${ancestor}" is a file, not a folder; give a path whose parent is a folder, ${EXAMPLE}`,
    )
  if (!canAccess(ancestor, constants.W_OK | constants.X_OK))
    throw new ConfigError(
      `--warehouse "${path}" cannot be created: no write permission in "${ancestor}"; give a path in a folder you can write to`,
    )
}

/** The path itself when it exists, else its nearest existing ancestor. */
function nearestExisting(path: string): { path: string; stats: Stats } {
  for (let current = path; ; current = dirname(current)) {
    const stats = statOrNull(current)
    if (stats) return { path: current, stats }
    if (dirname(current) === current) throw new ConfigError(`--warehouse "${path}": no folder of it exists`)
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    if (code === 'ENOTDIR') return null
    throw new ConfigError(`--warehouse "${path}" cannot be used: ${code ?? String(error)}; give another path`)
  }
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode)
    return true
  } catch {
    return false
  }
}

function readMagic(path: string): string {
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.alloc(4)
    const read = readSync(fd, buffer, 0, 4, 8)
    return buffer.subarray(0, read).toString('latin1')
  } finally {
    closeSync(fd)
  }
}

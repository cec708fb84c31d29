import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'

const SIZE_UNITS: Readonly<Record<string, number>> = {
  bytes: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
}

/** Bytes of a size as DuckDB prints it ('71.8 MiB', '0 bytes'), or null. */
function parseDuckDbSize(text: string): number | null {
  const match = /^([\d.]+)\s*(bytes|KiB|MiB|GiB|TiB)$/.exec(text.trim())
  return match ? Number(match[1]) * (SIZE_UNITS[match[2] ?? ''] ?? 1) : null
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'duckdb-checkpoint-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const walBytes = async (adapter: DuckDbAdapter) => {
  const [row] = await adapter.query<{ wal: string }>(`SELECT wal_size AS wal FROM pragma_database_size()`)
  return parseDuckDbSize(row?.wal ?? '')
}

describe('DuckDB checkpoints in the background', () => {
  it('turns the automatic checkpoint off for a writable file, and checkpoints after a write that grew the WAL past 16 MiB', async () => {
    const adapter = await DuckDbAdapter.open({ path: join(dir, 'w.duckdb') })
    try {
      const [setting] = await adapter.query<{ t: string }>(`SELECT current_setting('checkpoint_threshold') AS t`)
      expect(parseDuckDbSize(setting?.t ?? '')).toBeGreaterThan(100 * 1024 ** 3)
      await adapter.execute(`CREATE TABLE t (i BIGINT, h VARCHAR)`)
      // Fewer rows than a row group, so DuckDB logs them in the WAL rather than writing blocks directly.
      await adapter.execute(`INSERT INTO t SELECT range, repeat(md5(range::VARCHAR), 8) FROM range(100000)`)
      // The next write waits for the checkpoint queued after the insert.
      await adapter.execute(`CREATE TABLE u (i BIGINT)`)
      expect(await walBytes(adapter)).toBeLessThan(16 * 1024 * 1024)
      const [count] = await adapter.query<{ n: number }>(`SELECT COUNT(*) AS n FROM t`)
      expect(count?.n).toBe(100000)
    } finally {
      await adapter.close()
    }
    // Nothing was lost: the file holds every row after the close.
    const reopened = await DuckDbAdapter.open({ path: join(dir, 'w.duckdb'), readOnly: true })
    try {
      expect(await reopened.query(`SELECT COUNT(*) AS n FROM t`)).toEqual([{ n: 100000 }])
    } finally {
      await reopened.close()
    }
  })

  it('leaves small WALs to later writes, and in-memory or read-only warehouses to DuckDB', async () => {
    const adapter = await DuckDbAdapter.open({ path: join(dir, 'small.duckdb') })
    try {
      await adapter.execute(`CREATE TABLE t AS SELECT range AS i FROM range(10)`)
      await adapter.execute(`INSERT INTO t VALUES (11)`)
      expect(await walBytes(adapter)).toBeGreaterThan(0)
    } finally {
      await adapter.close()
    }
    const memory = await DuckDbAdapter.open({ path: ':memory:' })
    try {
      const [setting] = await memory.query<{ t: string }>(`SELECT current_setting('checkpoint_threshold') AS t`)
      expect(parseDuckDbSize(setting?.t ?? '')).toBe(16 * 1024 ** 2)
    } finally {
      await memory.close()
    }
  })

  it('reads the sizes DuckDB prints (the settings and pragma_database_size above)', () => {
    expect(parseDuckDbSize('0 bytes')).toBe(0)
    expect(parseDuckDbSize('512 bytes')).toBe(512)
    expect(parseDuckDbSize('1.5 KiB')).toBe(1536)
    expect(parseDuckDbSize('71.8 MiB')).toBeCloseTo(71.8 * 1024 ** 2)
    expect(parseDuckDbSize('2 GiB')).toBe(2 * 1024 ** 3)
    expect(parseDuckDbSize('big')).toBeNull()
  })
})

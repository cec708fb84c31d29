import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/core/errors.js'
import { DuckDbAdapter, duckDbThreadsFromEnv } from '../../src/engines/duckdb/duckdb-adapter.js'

async function threadsOf(adapter: DuckDbAdapter): Promise<number> {
  try {
    const [row] = await adapter.query<{ t: bigint }>(`SELECT current_setting('threads') AS t`)
    return Number(row?.t)
  } finally {
    await adapter.close()
  }
}

describe('DuckDB threads', () => {
  it('runs on the threads the option names, else on PIPELINE_DUCKDB_THREADS (the suite sets 1)', async () => {
    expect(await threadsOf(await DuckDbAdapter.open({ path: ':memory:', threads: 3 }))).toBe(3)
    expect(process.env.PIPELINE_DUCKDB_THREADS).toBe('1')
    expect(await threadsOf(await DuckDbAdapter.open({ path: ':memory:' }))).toBe(1)
  })

  it('reads a positive whole number from the environment, nothing when unset, and refuses anything else', () => {
    expect(duckDbThreadsFromEnv({ PIPELINE_DUCKDB_THREADS: '4' })).toBe(4)
    expect(duckDbThreadsFromEnv({})).toBeUndefined()
    expect(duckDbThreadsFromEnv({ PIPELINE_DUCKDB_THREADS: '' })).toBeUndefined()
    for (const bad of ['0', '-1', '1.5', 'two', ' 2'])
      expect(() => duckDbThreadsFromEnv({ PIPELINE_DUCKDB_THREADS: bad })).toThrow(
        new ConfigError(
          `PIPELINE_DUCKDB_THREADS="${bad}": not a positive whole number of threads; set it to 1 or more, or unset it for one per core`,
        ),
      )
  })
})

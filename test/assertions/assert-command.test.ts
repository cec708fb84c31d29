import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CliContext } from '../../src/cli/cli-context.js'
import { main } from '../../src/cli/main.js'
import type { Adapter } from '../../src/engines/adapter.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { AssertResult } from '../../src/runner/assert.js'
import { compileFixture, memoryAdapter } from '../support/fixtures.js'
import { seedStores } from './support.js'
import { scratchDir } from '../support/scratch.js'

let adapter: DuckDbAdapter
let now: Date

/** The real commands over one in-memory warehouse that outlives each command's close(). */
function fakeContext(): CliContext & { out: () => string; err: () => string } {
  let stdout = ''
  let stderr = ''
  const shared = new Proxy(adapter, {
    get(target, prop) {
      if (prop === 'close') return async () => undefined
      const value = Reflect.get(target, prop, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) as Adapter
  return {
    io: {
      stdout: (t) => {
        stdout += t
      },
      stderr: (t) => {
        stderr += t
      },
      isTty: false,
    },
    env: { BUILD_COMMIT_SHA: 'c'.repeat(40) },
    cwd: scratchDir('pipeline-assert-'), // --project is this scratch folder: run files land there
    now: () => now,
    openAdapter: async () => shared,
    compile: () => compileFixture('checks'),
    out: () => stdout,
    err: () => stderr,
  }
}

async function cli(...argv: string[]) {
  const context = fakeContext()
  const code = await main(argv, context)
  return { code, stdout: context.out(), stderr: context.err() }
}

beforeEach(async () => {
  adapter = await memoryAdapter()
  now = new Date('2026-01-06T06:00:00.000Z')
  await seedStores(adapter)
})
afterEach(async () => {
  await adapter.close()
})

describe('pipeline run through the CLI', () => {
  it('exits 1 when an error-severity assertion fails, and 0 when only a warning does', async () => {
    await adapter.execute(`UPDATE raw.raw_visits SET promo_score = 0 WHERE visit_date = DATE '2026-01-03'`)
    const failed = await cli('run')
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain(
      'ERROR store_features.promo_score_zero_share failed on 2026-01-03: 1.00 of 10 rows are 0 or NULL (max 0.50)',
    )
    expect(failed.stderr).toMatch(/skip store_scores \[table\].*because store_features failed/)
    await adapter.execute(`UPDATE raw.raw_visits SET promo_score = 1.5 + store_id[3:]::INTEGER WHERE visit_date = DATE '2026-01-03';
      UPDATE raw.raw_visits SET spend = NULL WHERE visit_date = DATE '2026-01-03' AND store_id IN ('s01', 's02', 's03')`)
    const warned = await cli('run')
    expect(warned.code).toBe(0)
    expect(warned.stdout).toContain(
      'warn  store_features.spend_null_share failed on 2026-01-03: 0.30 of 10 rows have NULL spend (max 0.20)',
    )
  })
})

describe('pipeline assert', () => {
  it('checks the built tables without building anything, records the results, and exits 0 when they pass', async () => {
    expect((await cli('run')).code).toBe(0)
    const before = await adapter.query('SELECT COUNT(*) AS n FROM pipeline_state.action_runs')
    const result = await cli('assert')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^assert \S+ passed: 3 action\(s\), \d+ result\(s\); 0 error\(s\), 0 warning\(s\), 0 skipped$/m,
    )
    expect(result.stderr).toContain('ok   store_features [incremental] 60/60 passed')
    expect(await adapter.query('SELECT COUNT(*) AS n FROM pipeline_state.action_runs')).toEqual(before)
    const runs = await adapter.query(
      `SELECT command, status, actions_succeeded, actions_failed FROM pipeline_state.runs WHERE command = 'assert'`,
    )
    expect(runs).toEqual([{ command: 'assert', status: 'succeeded', actions_succeeded: 3, actions_failed: 0 }])
    const recorded = await adapter.query(
      `SELECT COUNT(*) AS n FROM pipeline_state.assertion_results r JOIN pipeline_state.runs u USING (run_id) WHERE u.command = 'assert'`,
    )
    expect(recorded).toEqual([{ n: 72 }])
  })

  it('exits 1 naming assertion, partition, observed value and threshold when an error check fails', async () => {
    await cli('run')
    await adapter.execute(`UPDATE stores.store_features SET promo_score = 0 WHERE visit_date = DATE '2026-01-03'`)
    const result = await cli('assert', '--actions', 'store_features')
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      'ERROR store_features.promo_score_zero_share failed on 2026-01-03: 1.00 of 10 rows are 0 or NULL (max 0.50)',
    )
    expect(result.stdout).toMatch(/^assert \S+ FAILED: 3 action\(s\)/m) // the selection brings the assertions guarding it
    const failed = await adapter.query(
      `SELECT DISTINCT assertion, partition_value, observed, threshold FROM pipeline_state.assertion_results WHERE NOT passed ORDER BY 1`,
    )
    expect(failed).toEqual([
      {
        assertion: 'store_features.promo_score_not_constant',
        partition_value: '2026-01-03',
        observed: 0,
        threshold: 'min stddev 0.0001, min distinct 2',
      },
      {
        assertion: 'store_features.promo_score_zero_share',
        partition_value: '2026-01-03',
        observed: 1,
        threshold: 'max 0.50',
      },
    ])
  })

  it('judges only the --from/--to dates, and freshness as of --to', async () => {
    await cli('run')
    await adapter.execute(`UPDATE stores.store_features SET promo_score = 0 WHERE visit_date = DATE '2026-01-03'`)
    now = new Date('2026-02-01T06:00:00.000Z')
    const result = await cli('--json', 'assert', '--from', '2026-01-04', '--to', '2026-01-05')
    expect(result.code).toBe(0)
    const parsed = JSON.parse(result.stdout) as AssertResult
    expect(parsed).toMatchObject({ ok: true, from: '2026-01-04', to: '2026-01-05' })
    const partitions = new Set(parsed.actions.flatMap((a) => a.checks.map((c) => c.partition)))
    expect(partitions).toEqual(new Set(['2026-01-04', '2026-01-05', null]))
    const freshness = parsed.actions
      .flatMap((a) => a.checks)
      .find((c) => c.assertion === 'store_feature_health.freshness')
    expect(freshness).toMatchObject({ passed: true, observed: 0 })
    const early = await cli('assert', '--to', '2026-01-03')
    expect(early.code).toBe(1)
  })

  it('a failing warn check is printed and recorded but exits 0', async () => {
    await cli('run')
    now = new Date('2026-01-20T06:00:00.000Z')
    const result = await cli('assert')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      'warn  store_feature_health.freshness failed: latest visit_date is 15 days old (max 3 days old)',
    )
    expect(result.stdout).toMatch(/0 error\(s\), 1 warning\(s\)/)
  })

  it('exits 1 when a table to check does not exist yet', async () => {
    const result = await cli('assert', '--actions', 'store_features')
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'FAIL store_features [incremental] could not run: table "stores.store_features" does not exist; run "pipeline run --actions store_features" first',
    )
    expect(result.stderr).toContain(
      'FAIL no_unknown_stores [assertion] could not run: table "stores.store_features" does not exist',
    )
    expect(result.stdout).toContain(
      'ERROR store_features.unique_key could not run: table "stores.store_features" does not exist',
    )
  })

  it('exits 2 for bad input before touching the warehouse', async () => {
    for (const argv of [
      ['assert', '--from', '2026-13-01'],
      ['assert', '--from', '2026-01-05', '--to', '2026-01-01'],
      ['assert', '--actions', 'store_featurez'],
      ['assert', '--bogus'],
    ]) {
      const result = await cli(...argv)
      expect(result.code, argv.join(' ')).toBe(2)
    }
    expect((await cli('assert', '--actions', 'store_featurez')).stderr).toContain('did you mean "store_features"?')
    expect(await adapter.tableExists({ dataset: 'pipeline_state', name: 'runs' })).toBe(false)
  })

  it('documents itself', async () => {
    const result = await cli('assert', '--help')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('--from <date>')
  })
})

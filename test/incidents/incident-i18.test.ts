/**
 * I-18 replayed: two grading runs at once, in two processes (two operators, or a retry on top of a
 * slow run). The sample's predictions of 2024-12-09..12-15 are written but not graded; two CLI
 * processes start `run --actions prediction_accuracy` together on the same warehouse file. The
 * warehouse lock serializes them (the second waits with --wait, or is refused without it): one grades
 * the range, the other finds it done, and every prediction has exactly one graded row (A-18 passes).
 * Duplicates as legacy's unserialized writers left them fail A-18 on their date, naming the
 * prediction, and stop what reads the grades.
 *
 * Tried: both A-18 checks (prediction_id; player, game, system and line among current rows) fail on
 * the duplicates, so removing one leaves the other; A-12b, the grading coverage, counts graded rows
 * against predictions and passes them (more grades than predictions is not below 0.95).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { childEnv, spawnCli } from '../support/cli.js'
import type { CliRun } from '../support/cli.js'
import {
  DAMAGE_FROM,
  PA,
  compileReal,
  expectNamed,
  failedDates,
  failures,
  notSucceeded,
  publishedWarehouse,
  rows,
  run,
  statusOf,
} from './support.js'

const RANGE = { from: DAMAGE_FROM, to: '2024-12-15' }
const CHECK = 'a18_unique_prediction_id'
const env = childEnv({ BUILD_COMMIT_SHA: 'e'.repeat(40) })

function pipeline(warehouse: string, ...argv: string[]): Promise<CliRun> {
  return spawnCli(['--warehouse', warehouse, ...argv], env)
}

let warehouse: string
let healthy: CompiledGraph

async function withWarehouse<T>(work: (adapter: DuckDbAdapter) => Promise<T>): Promise<T> {
  const adapter = await DuckDbAdapter.open({ path: warehouse })
  try {
    return await work(adapter)
  } finally {
    await adapter.close()
  }
}

beforeAll(async () => {
  // The sample built by healthy code through PUBLISHED_TO (a copy of the shared template).
  warehouse = await publishedWarehouse()
  healthy = await compileReal()
  await withWarehouse(async (adapter) => {
    const predicted = await run(healthy, adapter, {
      selection: { actions: ['player_prop_predictions'], includeDeps: true },
      ...RANGE,
    })
    expect(notSucceeded(predicted)).toEqual([])
  })
}, 240_000)

describe('I-18: two grading runs at once', () => {
  let graded: { rows: number; predictions: number }
  beforeAll(async () => {
    const [first, second] = await Promise.all([
      pipeline(warehouse, '--wait', '300', 'run', '--actions', 'prediction_accuracy', '--to', RANGE.to),
      pipeline(warehouse, '--wait', '300', 'run', '--actions', 'prediction_accuracy', '--to', RANGE.to),
    ])
    expect([first.code, second.code], `${first.stderr}\n${second.stderr}`).toEqual([0, 0])
    expect(`${first.stderr}${second.stderr}`).toContain('waiting for the warehouse')
    graded = await withWarehouse(async (adapter) => {
      const [counts] = await rows<{ rows: number; predictions: number }>(
        adapter,
        `SELECT COUNT(*) AS rows, COUNT(DISTINCT prediction_id) AS predictions FROM ${PA}
         WHERE game_date BETWEEN DATE '${RANGE.from}' AND DATE '${RANGE.to}'`,
      )
      return { rows: counts?.rows ?? 0, predictions: counts?.predictions ?? 0 }
    })
  }, 240_000)

  it('grades the range once: the lock serializes the two processes', () => {
    expect(graded.rows).toBeGreaterThan(500)
    expect(graded.rows).toBe(graded.predictions)
  })

  it('fails both A-18 checks on the date of duplicates left by unserialized writers, naming the prediction', async () => {
    await withWarehouse(async (adapter) => {
      await adapter.execute(
        `INSERT INTO ${PA} SELECT * FROM ${PA} WHERE game_date = DATE '2024-12-12' AND prediction_id IN
           (SELECT prediction_id FROM ${PA} WHERE game_date = DATE '2024-12-12' ORDER BY prediction_id LIMIT 40)`,
      )
      const checked = await run(healthy, adapter, {
        selection: { actions: ['prediction_accuracy'], includeDependents: true },
      })
      expect(failedDates(checked, CHECK)).toEqual(['2024-12-12'])
      expectNamed(failures(checked, CHECK)[0], CHECK, /40 offending row\(s\).*prediction_id .*graded_rows 2/)
      console.log(`I-18 replay: ${failures(checked, CHECK)[0]?.message}`)
      expect(failedDates(checked, 'a18_unique_current_line')).toEqual(['2024-12-12'])
      expect(statusOf(checked, 'prediction_accuracy')).toBe('succeeded')
    })
  })
})

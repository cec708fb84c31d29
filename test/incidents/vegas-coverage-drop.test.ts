/**
 * A-08c on two seasons of the sample: the 7-day share of prop players with a Vegas line against the
 * same weeks a season earlier. Healthy (0.99 in both seasons) it passes on every date; with lines
 * lost for 40% of the players from 2025-12-15 (I-8's slide: 0.99 → 0.60, above A-08a's 0.50 error)
 * it warns once the window holds enough of the loss, and names the date and the drop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompiledGraph } from '../../src/compiler/compiled.js'
import type { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import type { RunResult } from '../../src/runner/result.js'
import { memoryAdapter } from '../support/fixtures.js'
import { migrate, seed } from '../predictions/support.js'
import { FS, compileReal, notSucceeded, run } from './support.js'

const CHECK = 'feature_store_vegas_coverage_drop'
const LOSS_FROM = '2025-12-15'

let adapter: DuckDbAdapter
let graph: CompiledGraph

function warned(result: RunResult): RunResult['actions'][number]['checks'] {
  return result.actions.flatMap((a) => a.checks).filter((c) => c.assertion === CHECK && !c.passed && !c.skipped)
}

beforeAll(async () => {
  adapter = await memoryAdapter()
  graph = await compileReal()
  await migrate(adapter)
  await seed(adapter, { seasons: 2, seed: 42, through: '2025-12-31' })
  for (const [from, to] of [
    ['2024-12-01', '2024-12-31'],
    ['2025-12-01', '2025-12-31'],
  ] as const) {
    const built = await run(graph, adapter, {
      selection: { actions: ['ml_feature_store_v2'], includeDeps: true },
      from,
      to,
      skipAssertions: true,
    })
    expect(notSucceeded(built)).toEqual([])
  }
}, 240_000)
afterAll(async () => adapter.close())

describe('A-08c: Vegas coverage against the same weeks last season', () => {
  it('passes on every date of the healthy sample', async () => {
    const checked = await run(graph, adapter, { selection: { actions: [CHECK] } })
    expect(checked.actions.find((a) => a.name === CHECK)?.checks.length).toBeGreaterThan(0)
    expect(warned(checked)).toEqual([])
  })

  it('warns from the week the lines are lost for 40% of the players, naming the drop', async () => {
    await adapter.execute(`UPDATE ${FS} SET vegas_points_line = NULL, vegas_opening_line = NULL, vegas_line_move = NULL,
      has_vegas_line = 0, vegas_line_source = 'none' WHERE game_date >= DATE '${LOSS_FROM}' AND hash(player_lookup) % 10 < 4`)
    const checked = await run(graph, adapter, { selection: { actions: [CHECK] } })
    const dates = warned(checked).map((c) => String(c.partition))
    expect(dates.length).toBeGreaterThan(5)
    expect(dates[0]! >= LOSS_FROM).toBe(true)
    expect(dates.at(-1)).toBe('2025-12-31')
    const first = warned(checked)[0]
    expect(first?.message).toMatch(/feature_store_vegas_coverage_drop .*2025-12-\d\d.*0\.[23]\d/)
    console.log(`A-08c: ${first?.message}`)
  })
})

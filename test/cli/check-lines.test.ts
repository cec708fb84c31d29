import { describe, expect, it } from 'vitest'
import { groupedCheckLines } from '../../src/cli/check-lines.js'
import type { CheckResult } from '../../src/runner/result.js'

function failed(
  assertion: string,
  partition: string,
  observed: number,
  overrides: Partial<CheckResult> = {},
): CheckResult {
  return {
    assertion,
    action: 'prediction_accuracy',
    builtin: 'query',
    severity: 'warn',
    partition,
    observed,
    threshold: 'min 0.55',
    rowCount: 1,
    passed: false,
    skipped: false,
    message: `${assertion} failed on ${partition}: hit rate ${observed.toFixed(3)} < 0.55 (min 0.55)`,
    sample: [],
    ...overrides,
  }
}

describe('grouped check lines', () => {
  it('prints a warn failing on many dates as one line: dates, worst value and where to look', () => {
    const checks = [0.52, 0.41, 0.5, 0.53, 0.49, 0.54].map((v, i) =>
      failed('catboost_v8_daily_hit_rate_warn', `2026-01-1${i}`, v),
    )
    const lines = groupedCheckLines(checks, 'run-7')
    expect(lines).toEqual([
      'warn  catboost_v8_daily_hit_rate_warn failed on 6 dates 2026-01-10..2026-01-15 (2026-01-10, 2026-01-11, 2026-01-12, … 2026-01-15); worst hit rate 0.410 < 0.55 (min 0.55) on 2026-01-11; see pipeline assert --actions catboost_v8_daily_hit_rate_warn --from 2026-01-10 --to 2026-01-15; pipeline_state.assertion_results run run-7',
    ])
  })

  it('keeps a single failure as it is, errors first, and takes the highest value as worst for a max threshold', () => {
    const share = (partition: string, observed: number) =>
      failed('ml_feature_store_v2.usage_spike_score_zero_share', partition, observed, {
        action: 'ml_feature_store_v2',
        severity: 'error',
        threshold: 'max 0.50',
        message: `ml_feature_store_v2.usage_spike_score_zero_share failed on ${partition}: ${observed.toFixed(2)} of 400 rows are 0 (max 0.50)`,
      })
    const lines = groupedCheckLines(
      [failed('catboost_v8_daily_hit_rate_warn', '2026-01-10', 0.5), share('2026-01-09', 0.8), share('2026-01-10', 1)],
      'run-8',
    )
    expect(lines[0]).toMatch(
      /^ERROR ml_feature_store_v2.usage_spike_score_zero_share failed on 2 dates .*worst 1.00 of 400 rows are 0 \(max 0.50\) on 2026-01-10; see pipeline assert --actions ml_feature_store_v2 --from 2026-01-09 --to 2026-01-10/,
    )
    expect(lines[1]).toBe(
      'warn  catboost_v8_daily_hit_rate_warn failed on 2026-01-10: hit rate 0.500 < 0.55 (min 0.55)',
    )
  })
})

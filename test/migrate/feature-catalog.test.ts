import { describe, expect, it } from 'vitest'
import {
  CRITICAL_FEATURE_KEYS,
  FEATURE_CATALOG,
  FEATURE_NAMES,
  LEGACY_SOURCE_WEIGHTS,
  SOURCE_WEIGHTS,
  V8_FEATURE_COUNT,
  qualityScore,
  qualityTier,
} from '../../includes/feature-catalog.js'
import { FEATURE_COLUMNS, FEATURE_STORE_COLUMNS, PERSISTENT_TABLES } from '../../includes/contracts.js'
import type { FeatureSourceLabel } from '../../includes/feature-catalog.js'

describe('the V8 feature catalog', () => {
  it('lists the 34 model inputs in index order with unique names', () => {
    expect(FEATURE_CATALOG).toHaveLength(V8_FEATURE_COUNT)
    expect(FEATURE_CATALOG.map((f) => f.index)).toEqual(Array.from({ length: 34 }, (_, i) => i))
    expect(new Set(FEATURE_NAMES).size).toBe(34)
    expect(FEATURE_NAMES.slice(0, 3)).toEqual(['points_avg_last_5', 'points_avg_last_10', 'points_avg_season'])
    expect(FEATURE_NAMES[32]).toBe('ppm_avg_last_10')
    expect(FEATURE_NAMES[33]).toBe('has_shot_zone_data')
  })

  it('marks exactly the critical features that critical_features snapshots', () => {
    const critical = FEATURE_CATALOG.filter((f) => f.isCritical)
      .map((f) => f.name)
      .sort()
    expect(critical).toEqual(CRITICAL_FEATURE_KEYS.filter((k) => k !== 'feature_quality_score').sort())
    expect(CRITICAL_FEATURE_KEYS).toHaveLength(8)
  })

  it('keeps the families of DOMAIN.md §3.1', () => {
    const byFamily = (family: string) => FEATURE_CATALOG.filter((f) => f.family === family).map((f) => f.index)
    expect(byFamily('recent_performance')).toEqual([0, 1, 2, 3, 4])
    expect(byFamily('composite')).toEqual([5, 6, 7, 8])
    expect(byFamily('derived')).toEqual([9, 10, 11, 12, 15, 16, 17])
    expect(byFamily('shot_zone')).toEqual([18, 19, 20, 21, 33])
    expect(byFamily('vegas')).toEqual([25, 26, 27, 28])
    expect(byFamily('minutes_ppm')).toEqual([31, 32])
  })

  it('has ranges with min < max and legacy defaults inside them where numeric', () => {
    for (const f of FEATURE_CATALOG) {
      expect(f.range.min, f.name).toBeLessThan(f.range.max)
      if (typeof f.legacyDefault.store === 'number') {
        expect(f.legacyDefault.store, f.name).toBeGreaterThanOrEqual(f.range.min)
        expect(f.legacyDefault.store, f.name).toBeLessThanOrEqual(f.range.max)
      }
    }
    expect(FEATURE_CATALOG[5]?.range).toEqual({ min: 0, max: 100 })
    expect(FEATURE_CATALOG[32]?.legacyDefault).toEqual({ store: 0.4, model: 0.4 })
  })

  it('reproduces the legacy maximum score of a v2_37features row (88.65) and the tiers', () => {
    const labels: FeatureSourceLabel[] = [
      ...Array<FeatureSourceLabel>(30).fill('phase4'),
      'vegas',
      'vegas',
      'vegas',
      'opponent_history',
      'opponent_history',
      'minutes_ppm',
      'minutes_ppm',
    ]
    expect(qualityScore(labels, LEGACY_SOURCE_WEIGHTS)).toBe(88.65)
    expect(qualityScore(labels, SOURCE_WEIGHTS)).toBe(100)
    expect([95, 94.99, 75, 50, 25, 24.99].map(qualityTier)).toEqual([
      'gold',
      'silver',
      'silver',
      'bronze',
      'poor',
      'unusable',
    ])
  })

  it('generates the feature store contract from the catalog: one nullable FLOAT64 per feature', () => {
    expect(FEATURE_COLUMNS.map((c) => [c.name, c.type, c.nullable ?? true])).toEqual(
      FEATURE_NAMES.map((n) => [n, 'FLOAT64', true]),
    )
    expect(FEATURE_STORE_COLUMNS.map((c) => c.name)).toEqual(expect.arrayContaining([...FEATURE_NAMES]))
    for (const table of PERSISTENT_TABLES)
      expect(new Set(table.columns.map((c) => c.name)).size, table.target.name).toBe(table.columns.length)
  })
})

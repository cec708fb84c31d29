import { describe, expect, it } from 'vitest'
import { declarationSchema, RESERVED_DATASETS } from '../../src/compiler/schemas.js'

describe('dataset names', () => {
  it.each(RESERVED_DATASETS)('refuses "%s", which DuckDB resolves before a dataset, naming another', (dataset) => {
    const parsed = declarationSchema.safeParse({ name: 'raw_orders', dataset })
    expect(parsed.success).toBe(false)
    const message = parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')
    expect(message).toBe(
      `dataset: "${dataset}" is reserved on DuckDB (temp, system, information_schema, pg_catalog): choose another dataset name, e.g. "${dataset}_data"`,
    )
  })

  it('accepts names that only contain a reserved word', () => {
    for (const dataset of ['temp_data', 'systems', 'nba_temp'])
      expect(declarationSchema.safeParse({ name: 'raw_orders', dataset }).success).toBe(true)
  })
})

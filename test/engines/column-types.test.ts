import { describe, expect, it } from 'vitest'
import { ColumnTypeError, formatBigQueryType, parseColumnType } from '../../src/engines/column-types.js'

function problem(type: string): ColumnTypeError {
  try {
    parseColumnType(type)
  } catch (error) {
    if (error instanceof ColumnTypeError) return error
    throw error
  }
  throw new Error(`"${type}" parsed`)
}

describe('parseColumnType', () => {
  it('reads BigQuery spellings, nested and parameterised, in any case', () => {
    for (const [text, canonical] of [
      ['int64', 'INT64'],
      ['BOOLEAN', 'BOOL'],
      ['TIME', 'TIME'],
      ['numeric(38, 9)', 'NUMERIC(38, 9)'],
      ['STRING(64)', 'STRING(64)'],
      ['ARRAY<STRUCT<name STRING, n INT64>>', 'ARRAY<STRUCT<name STRING, n INT64>>'],
    ])
      expect(formatBigQueryType(parseColumnType(text as string)), text).toBe(canonical)
  })

  it('names an unknown type and suggests the closest known one', () => {
    const error = problem('INTT64')
    expect(error.code).toBe('unknown-column-type')
    expect(error.typeName).toBe('INTT64')
    expect(error.message).toMatch(/^unknown column type "INTT64"; did you mean "INT64"\?/)
  })

  it("suggests BigQuery's spelling for other engines' type names", () => {
    expect(problem('integer').message).toMatch(/did you mean "INT64"\?/)
    expect(problem('VARCHAR').message).toMatch(/did you mean "STRING"\?/)
    expect(problem('DECIMAL(10, 2)').message).toMatch(/did you mean "NUMERIC"\?/)
  })

  it('refuses malformed parameters and trailing text', () => {
    expect(problem('NUMERIC(abc)').code).toBe('invalid-column-type')
    expect(problem('INT64(5)').message).toContain('INT64 takes no parameters')
    expect(problem('NUMERIC(1, 2, 3)').message).toContain('NUMERIC takes at most 2 parameters')
    expect(problem('ARRAY<INT64').message).toContain('expected ">"')
    expect(problem('INT64 INT64').message).toContain('unexpected "INT64"')
  })
})

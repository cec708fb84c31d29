import { describe, expect, it } from 'vitest'
import { runLabels, sanitizeLabel, sanitizeLabelKey, sanitizeLabels } from '../../src/engines/job-labels.js'

const VALID_KEY = /^[a-z][a-z0-9_-]{0,62}$/
const VALID_VALUE = /^[a-z0-9_-]{0,63}$/

describe('job labels', () => {
  it('sanitises values to lower case letters, digits, _ and -, at most 63 characters', () => {
    expect(sanitizeLabel('Build SHA: 1a2B-dirty')).toBe('build_sha__1a2b-dirty')
    expect(sanitizeLabel('x'.repeat(80))).toHaveLength(63)
  })

  it('makes keys start with a letter', () => {
    expect(sanitizeLabelKey('Run ID')).toBe('run_id')
    expect(sanitizeLabelKey('2nd')).toBe('l_2nd')
    expect(sanitizeLabelKey('_x')).toBe('l__x')
  })

  it('labels a run with app, command, run id, build sha and mode, all valid BigQuery labels', () => {
    const labels = runLabels({
      app: 'My Project',
      command: 'backfill',
      run: { id: '0F8FAD5B-D9CB-469F-A165-70867728950E', buildCommitSha: `${'A'.repeat(40)}-dirty`, mode: 'backfill' },
    })
    expect(labels).toEqual({
      app: 'my_project',
      command: 'backfill',
      run_id: '0f8fad5b-d9cb-469f-a165-70867728950e',
      build_commit_sha: `${'a'.repeat(40)}-dirty`,
      mode: 'backfill',
    })
    const odd = sanitizeLabels({ 'Ünïcode Key!': 'Ça va? '.repeat(20), '9lives': '' })
    for (const [key, value] of Object.entries(odd)) {
      expect(key).toMatch(VALID_KEY)
      expect(value).toMatch(VALID_VALUE)
    }
  })
})

import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MATRIX_DOC, readMatrix, renderMatrix } from '../../scripts/incidents-matrix.js'
import { REPO_ROOT } from '../support/fixtures.js'

const matrix = readMatrix(REPO_ROOT)

function testFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? testFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  )
}

describe('the incident matrix (docs/incidents.md)', () => {
  it('is the rendering of docs/incidents.json (run scripts/incidents-matrix.ts --write after editing it)', () => {
    expect(readFileSync(join(REPO_ROOT, MATRIX_DOC), 'utf8')).toBe(renderMatrix(matrix))
  })

  it('has one row per incident of DOMAIN §7.1, I-1 to I-19 in order', () => {
    expect(matrix.incidents.map((i) => i.id)).toEqual(Array.from({ length: 19 }, (_, n) => `I-${n + 1}`))
  })

  it('names replay tests that exist and assert the checks the row lists', () => {
    const allTests = testFiles('test').map((file) => readFileSync(join(REPO_ROOT, file), 'utf8'))
    for (const incident of matrix.incidents) {
      if (incident.replay === null) continue
      expect(existsSync(join(REPO_ROOT, incident.replay)), incident.replay).toBe(true)
      const text = readFileSync(join(REPO_ROOT, incident.replay), 'utf8')
      expect(text, `${incident.replay} replays ${incident.id}`).toContain(incident.id)
      for (const check of incident.checks) {
        // compile-time rules are asserted by the compile tests, not by a replay
        const where = check.where === 'compile' ? allTests.join('\n') : text
        expect(where.includes(check.name), `${incident.id}: "${check.name}" in ${incident.replay}`).toBe(true)
      }
    }
  })

  it('records for every replay what it did with its stopping checks removed, and each tried replay failed', () => {
    for (const incident of matrix.incidents) {
      if (incident.replay === null) continue
      const removal = incident.removal
      expect(removal, `${incident.id}: run scripts/incidents-removal.ts --write`).toBeDefined()
      if (removal === undefined || 'notRemovable' in removal) continue
      const removable = incident.checks
        .filter((c) => c.where === 'audit' || c.where === 'standalone')
        .map((c) => c.name)
      expect(removal.removed, incident.id).toEqual([...new Set(removable)])
      expect(
        removal.failed.length,
        `${incident.id}: the replay still passes without ${removal.removed.join(', ')}`,
      ).toBeGreaterThan(0)
    }
  })
})

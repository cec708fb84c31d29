import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { CliContext } from '../../src/cli/cli-context.js'
import { main } from '../../src/cli/main.js'
import { scratchDir } from '../support/scratch.js'

describe('an unexpected internal error', () => {
  it('prints one line and the path of a log file under .pipeline/logs holding the stack trace', async () => {
    const project = scratchDir('pipeline-internal-')
    let stderr = ''
    const context: CliContext = {
      io: { stdout: () => undefined, stderr: (t) => void (stderr += t), isTty: false },
      env: {},
      cwd: project,
      now: () => new Date('2026-01-15T12:00:00Z'),
      openAdapter: () => Promise.reject(new Error('no warehouse in this test')),
      compile: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'actions')")),
    }
    const code = await main(['--project', project, 'lineage'], context)
    expect(code).toBe(1)
    const log = /the stack trace is in (\S+);/.exec(stderr)?.[1]
    expect(stderr).toBe(
      `error: internal error: Cannot read properties of undefined (reading 'actions')\n  the stack trace is in ${log}; please report it with that file\n`,
    )
    expect(log?.startsWith(`${project}/.pipeline/logs/2026-01-15T12-00-00-000Z-`)).toBe(true)
    expect(existsSync(log ?? '')).toBe(true)
    expect(readFileSync(log ?? '', 'utf8')).toMatch(/^TypeError: Cannot read properties[\s\S]*\n\s+at /)
  })
})

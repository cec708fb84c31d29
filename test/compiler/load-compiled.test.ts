import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { graphToJson } from '../../src/compiler/graph-json.js'
import { REPO_ROOT, compileFixture, fixturePath } from '../support/fixtures.js'

const run = promisify(execFile)
const BIN = join(REPO_ROOT, 'bin', 'pipeline.js')

describe('bin/pipeline.js (the compiled engine)', () => {
  it('compiles a project to the same JSON as the engine run from sources', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--project', fixturePath('shop'), 'compile', '--json'], {
      env: { ...process.env, PIPELINE_LOADER: '' },
    })
    const fromSources = graphToJson(await compileFixture('shop'))
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(fromSources)))
  })

  it('exits 2 and names the file of each compile problem', async () => {
    const failure = await run(process.execPath, [BIN, '--project', fixturePath('broken-project'), 'compile']).catch(
      (error: { code: number; stderr: string }) => error,
    )
    expect(failure).toMatchObject({ code: 2 })
    expect((failure as { stderr: string }).stderr).toMatch(/definitions\/refs\.ts/)
  })
})

import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as engine from '../../src/index.js'
import { loadProject } from '../../src/compiler/load.js'
import { MODULE_CACHE_DIR, importProjectModule, importProjectModules } from '../../src/compiler/project-modules.js'
import { REPO_ROOT } from '../support/fixtures.js'

const ENGINE = JSON.stringify(join(REPO_ROOT, 'src', 'index.js'))
let root: string

async function put(file: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, file)), { recursive: true })
  await writeFile(join(root, file), text)
}

function tableFile(name: string, from = ENGINE): string {
  return `import { sql, table } from ${from}\nexport const ${name} = table({ name: '${name}', query: () => sql\`select 1 as x\` })\n`
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pipeline-load-'))
})

afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('loadProject (one bundled pass)', () => {
  it('names each definition with the file that exports it', async () => {
    await put('definitions/a/alpha.ts', tableFile('alpha'))
    await put('definitions/beta.ts', tableFile('beta') + tableFile('gamma').split('\n')[1])
    await put('assertions/checks.ts', tableFile('delta'))
    const loaded = await loadProject(root)
    expect(loaded.issues).toEqual([])
    expect(loaded.definitions.map((d) => [d.file, d.exportName])).toEqual([
      ['definitions/a/alpha.ts', 'alpha'],
      ['definitions/beta.ts', 'beta'],
      ['definitions/beta.ts', 'gamma'],
      ['assertions/checks.ts', 'delta'],
    ])
  })

  it('gives definitions the engine instance the process runs, through a relative path or #pipeline', async () => {
    await put('definitions/probe.ts', `import * as viaPath from ${ENGINE}\nexport const path = viaPath\n`)
    await put('definitions/hash.ts', `import * as viaHash from '#pipeline'\nexport const hash = viaHash\n`)
    const [path, hash] = await importProjectModules(root, [
      join(root, 'definitions/probe.ts'),
      join(root, 'definitions/hash.ts'),
    ])
    const exports = [path, hash].map((r) => (r && 'exports' in r ? r.exports : {}))
    expect((exports[0]?.path as typeof engine).SqlFragment).toBe(engine.SqlFragment)
    expect((exports[1]?.hash as typeof engine).table).toBe(engine.table)
  })

  it('reports a file that does not parse with its line, and still loads the others', async () => {
    await put('definitions/good.ts', tableFile('good'))
    await put('definitions/bad.ts', `import { table } from ${ENGINE}\nexport const bad = table({ name: 'bad', \n`)
    const loaded = await loadProject(root)
    expect(loaded.definitions.map((d) => d.file)).toEqual(['definitions/good.ts'])
    expect(loaded.issues).toHaveLength(1)
    expect(loaded.issues[0]).toMatchObject({ code: 'module-load-failed', file: 'definitions/bad.ts' })
    expect(loaded.issues[0]?.message).toMatch(/bad\.ts:3:/)
  })

  it('reports a module that throws while loading against each file that imports it', async () => {
    await put('includes/broken.ts', `export const value: number = 1\nthrow new Error('include exploded')\n`)
    await put('definitions/one.ts', `import { value } from '../includes/broken.js'\nexport const one = value\n`)
    await put('definitions/two.ts', `import { value } from '../includes/broken.js'\nexport const two = value\n`)
    await put('definitions/three.ts', tableFile('three'))
    const loaded = await loadProject(root)
    expect(loaded.issues.map((i) => [i.file, i.message])).toEqual([
      ['definitions/one.ts', 'cannot load module: include exploded'],
      ['definitions/two.ts', 'cannot load module: include exploded'],
    ])
    expect(loaded.definitions.map((d) => d.file)).toEqual(['definitions/three.ts'])
  })

  it('loads a bundle of a thousand files (compiled eagerly) with the same results, a throwing one alone', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `t${String(i).padStart(4, '0')}`)
    await Promise.all(names.map((name) => put(`definitions/${name}.ts`, tableFile(name))))
    await put('definitions/zz_throws.ts', `throw new Error('one of many exploded')\n`)
    const loaded = await loadProject(root)
    expect(loaded.definitions.map((d) => d.exportName)).toEqual(names)
    expect(loaded.issues.map((i) => [i.file, i.message])).toEqual([
      ['definitions/zz_throws.ts', 'cannot load module: one of many exploded'],
    ])
  })

  it('does not trust the stamp of a file written just before the build (it is hashed again next time)', async () => {
    await put('definitions/fresh.ts', tableFile('fresh'))
    const manifests = async () => {
      const dir = join(root, MODULE_CACHE_DIR)
      const names = (await readdir(dir)).filter((f) => f.endsWith('.json'))
      return Promise.all(
        names.map(
          async (f) =>
            JSON.parse(await readFile(join(dir, f), 'utf8')) as { inputs: Record<string, [string, number, number]> },
        ),
      )
    }
    await loadProject(root)
    const file = join(root, 'definitions/fresh.ts')
    expect((await manifests()).map((m) => m.inputs[file])).toEqual([['', -1, -1]])
    const anHourAgo = new Date(Date.now() - 3_600_000)
    await utimes(file, anHourAgo, anHourAgo)
    await loadProject(root)
    const [stamp] = (await manifests()).map((m) => m.inputs[file])
    expect(stamp?.[0]).toMatch(/^[0-9a-f]{64}$/)
    expect(stamp?.[2]).toBeCloseTo(anHourAgo.getTime(), -1)
  })

  it('reads includes/project.ts in the same pass', async () => {
    await put('includes/project.ts', `import { defineProject } from ${ENGINE}\nexport const p = defineProject({})\n`)
    await put('definitions/one.ts', tableFile('one'))
    const loaded = await loadProject(root)
    expect(loaded.project?.kind).toBe('project')
    expect(loaded.definitions).toHaveLength(1)
  })

  it('keeps import.meta.url of each file pointing at the file, not the bundle', async () => {
    await put('includes/where.ts', 'export const where = import.meta.url\n')
    const exports = await importProjectModule(root, join(root, 'includes/where.ts'))
    expect(exports.where).toBe(pathToFileURL(join(root, 'includes/where.ts')).href)
  })
})

describe('the module cache', () => {
  it('reuses the bundle while inputs are unchanged and rebuilds when an imported file changes', async () => {
    await put('includes/names.ts', `export const suffix = 'v1'\n`)
    await put(
      'definitions/t.ts',
      `import { sql, table } from ${ENGINE}\nimport { suffix } from '../includes/names.js'\nexport const t = table({ name: 't_' + suffix, query: () => sql\`select 1\` })\n`,
    )
    const first = await loadProject(root)
    const cacheDir = join(root, MODULE_CACHE_DIR)
    const bundlesAfterFirst = (await readdir(cacheDir)).filter((f) => f.endsWith('.mjs'))
    const again = await loadProject(root)
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.mjs'))).toEqual(bundlesAfterFirst)
    expect(again.definitions[0]?.definition.name).toBe('t_v1')

    await put('includes/names.ts', `export const suffix = 'v2'\n`)
    const changed = await loadProject(root)
    expect(first.definitions[0]?.definition.name).toBe('t_v1')
    expect(changed.definitions[0]?.definition.name).toBe('t_v2')
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.mjs'))).toHaveLength(bundlesAfterFirst.length + 1)
  })
})

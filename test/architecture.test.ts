import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './support/fixtures.js'

interface ImportEdge {
  readonly file: string
  readonly specifier: string
  /** Repo-relative path of a relative import, else null. */
  readonly resolved: string | null
  readonly dynamic: boolean
}

function files(dir: string): string[] {
  const root = join(REPO_ROOT, dir)
  let entries: string[]
  try {
    entries = readdirSync(root)
  } catch {
    return []
  }
  return entries.flatMap((name) => {
    const path = join(root, name)
    if (statSync(path).isDirectory()) return files(join(dir, name))
    return /\.(ts|mts)$/.test(name) ? [join(dir, name).split(sep).join('/')] : []
  })
}

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8')
  const edges: ImportEdge[] = []
  for (const match of text.matchAll(
    /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    const specifier = (match[1] ?? match[2] ?? match[3]) as string
    const resolved = specifier.startsWith('.')
      ? relative(REPO_ROOT, resolve(dirname(join(REPO_ROOT, file)), specifier))
          .split(sep)
          .join('/')
      : null
    edges.push({ file, specifier, resolved, dynamic: match[3] !== undefined })
  }
  return edges
}

const SRC = files('src')
const ours = (edge: ImportEdge) => edge.resolved !== null || edge.specifier.startsWith('#')

function violations(fileList: readonly string[], allowed: (edge: ImportEdge) => boolean): string[] {
  return fileList
    .flatMap(importsOf)
    .filter((e) => !allowed(e))
    .map((e) => `${e.file} imports ${e.specifier}`)
}

describe('dependency rules (DESIGN.md §2)', () => {
  it('finds the engine sources it checks', () => {
    expect(SRC.length).toBeGreaterThan(20)
    expect(importsOf('src/runner/run.ts').length).toBeGreaterThan(5)
    expect(importsOf('src/engines/duckdb/duckdb-adapter.ts').map((e) => e.specifier)).toContain('@duckdb/node-api')
    expect(importsOf('src/engines/create-engine.ts').filter((e) => e.dynamic).length).toBeGreaterThan(1)
  })

  it('keeps src/core free of imports of our own modules outside core', () => {
    expect(
      violations(
        SRC.filter((f) => f.startsWith('src/core/')),
        (e) => !ours(e) || (e.resolved ?? '').startsWith('src/core/'),
      ),
    ).toEqual([])
  })

  it('lets dialects and the compiler import only core, sql, the dialect contract and the assertion library', () => {
    const pure = SRC.filter(
      (f) =>
        f.startsWith('src/compiler/') ||
        /src\/engines\/.*(dialect|query-compiler)\.ts$/.test(f) ||
        f === 'src/engines/column-types.ts',
    )
    const allowed =
      /^src\/(core|sql|compiler|assertions)\/|^src\/engines\/(dialect|column-types|shared-dialect)\.js$|^src\/engines\/(duckdb|bigquery)\/[a-z-]*-(dialect|query-compiler)\.js$/
    expect(violations(pure, (e) => !ours(e) || allowed.test(e.resolved ?? ''))).toEqual([])
  })

  it('imports @duckdb/node-api only from the DuckDB adapter and @google-cloud/bigquery only from the BigQuery client', () => {
    expect(
      violations(SRC, (e) => !e.specifier.startsWith('@duckdb/') || e.file.startsWith('src/engines/duckdb/')),
    ).toEqual([])
    expect(
      violations(SRC, (e) => !e.specifier.startsWith('@google-cloud/') || e.file.startsWith('src/engines/bigquery/')),
    ).toEqual([])
  })

  it('loads engine adapters lazily, so compile works offline and DuckDB runs never load the BigQuery client', () => {
    const adapterImports = SRC.flatMap(importsOf).filter((e) =>
      /engines\/(duckdb\/duckdb-adapter|bigquery\/bigquery-(adapter|client))/.test(e.resolved ?? ''),
    )
    const eager = adapterImports.filter((e) => !e.dynamic && !e.file.startsWith('src/engines/'))
    expect(eager.map((e) => `${e.file} imports ${e.specifier}`)).toEqual([])
  })

  it('lets definitions/, includes/ and assertions/ use the engine only through src/index.ts', () => {
    const content = ['definitions', 'includes', 'assertions'].flatMap(files)
    const allowed = (e: ImportEdge) =>
      !e.resolved?.startsWith('src/') || e.resolved === 'src/index.js' || e.resolved === 'src/core/registry.js'
    expect(
      violations(
        content,
        (e) => allowed(e) && !e.specifier.startsWith('@duckdb') && !e.specifier.startsWith('@google-cloud'),
      ),
    ).toEqual([])
  })

  it('keeps migrate/ independent of runner/ (shared helpers live in engines/ or build/)', () => {
    const migrate = SRC.filter((f) => f.startsWith('src/migrate/'))
    expect(migrate.length).toBeGreaterThan(5)
    expect(violations(migrate, (e) => !(e.resolved ?? '').startsWith('src/runner/'))).toEqual([])
  })

  it('keeps src/build (which build is running) free of the engine layers above core', () => {
    const build = SRC.filter((f) => f.startsWith('src/build/'))
    expect(build.length).toBeGreaterThan(0)
    expect(violations(build, (e) => !ours(e) || (e.resolved ?? '').startsWith('src/core/'))).toEqual([])
  })

  it('keeps migrations from importing includes/', () => {
    expect(violations(files('migrations'), (e) => !(e.resolved ?? '').startsWith('includes/'))).toEqual([])
  })
})

/** The definitions/ area of a file (`definitions/features/x.ts` → `definitions/features/`), else null. */
function areaOf(file: string): string | null {
  return /^definitions\/[^/]+\//.exec(file)?.[0] ?? null
}

describe('project layout (README "Layout")', () => {
  const PROJECT = ['definitions', 'includes', 'assertions', 'scripts'].flatMap(files)
  /** Loaded by the engine itself or by tsc, not imported by project code. */
  const ENGINE_LOADED = ['includes/project.ts', 'includes/reports.ts', 'includes/action-names.generated.ts']
  const imported = (edge: ImportEdge) => (edge.resolved ?? '').replace(/\.js$/, '.ts')

  it('finds the project modules it checks', () => {
    expect(files('includes').length).toBeGreaterThan(5)
    expect(files('definitions').filter((f) => areaOf(f) !== null).length).toBeGreaterThan(5)
  })

  it('keeps includes/ from importing definitions/ or assertions/ (shared code never depends on one action)', () => {
    const reachesIn = (e: ImportEdge) => /^(definitions|assertions)\//.test(e.resolved ?? '')
    expect(violations(files('includes'), (e) => !reachesIn(e))).toEqual([])
  })

  it("keeps an area's modules private: definitions/<area>/ is imported only from the same area (and tests)", () => {
    const allowed = (e: ImportEdge) => {
      const area = areaOf(e.resolved ?? '')
      return area === null || e.file.startsWith(area)
    }
    expect(violations(PROJECT, allowed)).toEqual([])
  })

  it('keeps in includes/ only shared modules: each is imported by two files or more outside test/', () => {
    const importers = new Map<string, Set<string>>()
    for (const edge of PROJECT.flatMap(importsOf)) {
      const target = imported(edge)
      if (target.startsWith('includes/')) importers.set(target, (importers.get(target) ?? new Set()).add(edge.file))
    }
    const single = files('includes')
      .filter((f) => !ENGINE_LOADED.includes(f) && (importers.get(f)?.size ?? 0) < 2)
      .map(
        (f) => `${f} is imported only by ${[...(importers.get(f) ?? [])].join(', ') || 'nothing'}: move it beside it`,
      )
    expect(single).toEqual([])
  })
})

/** Words of the project's domain: the engine in src/ must not know them (names, labels and parameters come from the project). */
const DOMAIN_WORDS = /\bnba|basketball|player|\bpoints\b|catboost_v8|prop line|vegas|sportsbook/i

describe('the engine is generic (DESIGN.md §2: src/ knows nothing about basketball)', () => {
  it('detects domain words', () => {
    for (const text of [
      "name: 'nba_schedule'",
      'player_lookup',
      'the catboost_v8 model',
      'over 24.5 points',
      'Vegas line',
    ])
      expect(text, text).toMatch(DOMAIN_WORDS)
    for (const text of ['unbalanced', 'endpoints', 'checkpoints', 'CatBoost JSON model', 'game_date'])
      expect(text, text).not.toMatch(DOMAIN_WORDS)
  })

  it('has no domain words in src/', () => {
    const hits = SRC.flatMap((file) =>
      readFileSync(join(REPO_ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (DOMAIN_WORDS.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    )
    expect(hits).toEqual([])
  })
})

/**
 * Loading a project's own TypeScript (definitions/, assertions/, includes/, migrations/) in one
 * pass: esbuild bundles every requested file into one ESM module, cached under
 * .pipeline/cache/modules/ by a content hash of its inputs, and the module is imported once.
 * The engine itself stays outside the bundle: `#pipeline` and relative imports of src/index.ts
 * resolve to the engine the process is running, so definitions and the compiler share one
 * engine instance (the same classes, symbols and registries).
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { buildBundle } from './project-bundle.js'
import type { BundleInput, BundleShape } from './project-bundle.js'

/** Replaced by `true` when the engine runs from its compiled bundle (bin/build-engine.js defines it). */
declare const __PIPELINE_BUNDLED__: boolean | undefined

const BUNDLED = typeof __PIPELINE_BUNDLED__ !== 'undefined'
/** The engine entry this process runs: dist/<hash>/index.js when compiled, src/index.ts from sources. */
const ENGINE_ENTRY = new URL(BUNDLED ? './index.js' : '../index.ts', import.meta.url).href
/** src/index.ts on disk, which project files may import by relative path. */
const ENGINE_SOURCE = fileURLToPath(new URL(BUNDLED ? '../../src/index.ts' : '../index.ts', import.meta.url))
/** Bump when the bundle's shape changes, so older cache entries are never read. */
const CACHE_FORMAT = 'project-modules-v3'
export const MODULE_CACHE_DIR = join('.pipeline', 'cache', 'modules')
/** From this many files a bundle is compiled eagerly (see importBundle). */
const EAGER_FROM_FILES = 1000

/** The outcome of loading one module: its exports, or the error that stopped it. */
export type ModuleLoad =
  | { readonly path: string; readonly exports: Record<string, unknown> }
  | { readonly path: string; readonly error: Error }

/** How project modules are loaded: `bundle` (default) or `import` (one native import per file; needs tsx). */
export type ModuleLoader = 'bundle' | 'import'

export function moduleLoader(env: NodeJS.ProcessEnv = process.env): ModuleLoader {
  return env.PIPELINE_LOADER === 'import' ? 'import' : 'bundle'
}

interface Manifest {
  readonly bundle: string
  /** Absolute path → [sha256, size, mtimeMs] of every file the bundle was built from. */
  readonly inputs: Readonly<Record<string, readonly [string, number, number]>>
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * Import `paths` (absolute) of the project at `root`, in order; one result per path. A module that
 * throws while loading is reported alone, with its error; the others still load.
 */
export async function importProjectModules(root: string, paths: readonly string[]): Promise<ModuleLoad[]> {
  if (!paths.length) return []
  if (moduleLoader() === 'import') return Promise.all(paths.map(importNative))
  const combined = await loadCombined(root, paths)
  if (combined) return combined
  // One file failed to build (syntax, unresolved import): bundle each file alone, so the error is its own.
  const results: ModuleLoad[] = []
  for (const path of paths) {
    const one = await loadCombined(root, [path])
    results.push(one?.[0] ?? { path, error: (await buildError(root, path)) ?? new Error('cannot bundle the module') })
  }
  return results
}

/** Import one project module (TypeScript or JavaScript) with the same bundling; throws its load error. */
export async function importProjectModule(root: string, path: string): Promise<Record<string, unknown>> {
  const [result] = await importProjectModules(root, [path])
  if (!result || 'error' in result) throw result?.error ?? new Error(`cannot load ${path}`)
  return result.exports
}

async function importNative(path: string): Promise<ModuleLoad> {
  try {
    return { path, exports: (await import(pathToFileURL(path).href)) as Record<string, unknown> }
  } catch (error) {
    return { path, error: error as Error }
  }
}

/**
 * Load from the cache or build; undefined when the bundle cannot be built. The flat bundle (every file
 * imported statically) is the cheaper one to compile; when a file throws while it evaluates, the files
 * are loaded again from the isolated bundle (each behind its own loader), so that file fails alone.
 */
async function loadCombined(root: string, paths: readonly string[]): Promise<ModuleLoad[] | undefined> {
  const flat = await bundleFile(root, paths, 'flat')
  if (!flat) return undefined
  try {
    const { modules } = (await importBundle(flat, paths.length)) as { modules: Record<string, unknown>[] }
    return paths.map((path, i) => ({ path, exports: modules[i] ?? {} }))
  } catch {
    // A file threw: load each on its own below, to tell which.
  }
  const isolated = await bundleFile(root, paths, 'isolated')
  if (!isolated) return undefined
  const loaded = (await importBundle(isolated, paths.length)) as { modules: Record<string, () => Promise<unknown>> }
  const results: ModuleLoad[] = []
  for (const [i, path] of paths.entries()) {
    const load = loaded.modules[String(i)]
    try {
      if (!load) throw new Error(`the module bundle has no entry for ${path}; delete ${dirname(flat)} and retry`)
      results.push({ path, exports: (await load()) as Record<string, unknown> })
    } catch (error) {
      results.push({ path, error: error as Error })
    }
  }
  return results
}

/** URL of the bundle of `paths` in this shape, from the cache or built now; undefined when it cannot be built. */
async function bundleFile(root: string, paths: readonly string[], shape: BundleShape): Promise<string | undefined> {
  const cacheDir = join(root, MODULE_CACHE_DIR)
  const key = sha256(JSON.stringify([CACHE_FORMAT, shape, ENGINE_ENTRY, root, paths]))
  let bundle = await cachedBundle(cacheDir, key)
  if (!bundle) {
    const built = await buildBundle(bundleInput(root, paths, shape))
    if (!built.ok) return undefined
    bundle = await writeBundle(cacheDir, key, built.code, built.inputs)
  }
  return pathToFileURL(bundle).href
}

/**
 * Import the bundle; one of many files is compiled eagerly. Each file's functions sit inside one
 * module scope that holds every file's bindings, and V8 compiling such a function lazily, on its first
 * call, re-reads that scope: a cost per function that grows with the number of files (10,000 files:
 * 11.5 s of first calls, against 2.0 s to import eagerly and 0.9 s of calls). At 1,000 files the two
 * are even; below, lazy compilation is cheaper (most of a small bundle's code is never called).
 */
async function importBundle(url: string, files: number): Promise<unknown> {
  if (files < EAGER_FROM_FILES) return import(url)
  setFlagsFromString('--no-lazy')
  try {
    return await import(url)
  } finally {
    setFlagsFromString('--lazy')
  }
}

function bundleInput(root: string, paths: readonly string[], shape: BundleShape): BundleInput {
  return { root, paths, engineEntry: ENGINE_ENTRY, engineSource: ENGINE_SOURCE, shape }
}

async function buildError(root: string, path: string): Promise<Error | undefined> {
  const built = await buildBundle(bundleInput(root, [path], 'flat'))
  return built.ok ? undefined : built.error
}

/** The cached bundle for `key` when every input still has the recorded content hash. */
async function cachedBundle(cacheDir: string, key: string): Promise<string | undefined> {
  let manifest: Manifest
  try {
    manifest = JSON.parse(await readFile(join(cacheDir, `${key}.json`), 'utf8')) as Manifest
  } catch {
    return undefined
  }
  const checks = await Promise.all(Object.entries(manifest.inputs).map(([path, input]) => isUnchanged(path, input)))
  if (!checks.every(Boolean)) return undefined
  return join(cacheDir, manifest.bundle)
}

/** Same size and mtime as recorded (as git's index does), or else the same bytes. */
async function isUnchanged(path: string, [hash, size, mtimeMs]: readonly [string, number, number]): Promise<boolean> {
  try {
    const now = await stat(path)
    if (now.size === size && now.mtimeMs === mtimeMs) return true
    return now.size === size && sha256(await readFile(path)) === hash
  } catch {
    return false
  }
}

/** Write the bundle under a name derived from its text (so a changed bundle is a new module URL), then its manifest. */
async function writeBundle(cacheDir: string, key: string, code: string, inputs: Manifest['inputs']): Promise<string> {
  await mkdir(cacheDir, { recursive: true })
  const name = `${sha256(code).slice(0, 32)}.mjs`
  const path = join(cacheDir, name)
  await writeAtomic(path, code)
  const manifest: Manifest = { bundle: name, inputs }
  await writeAtomic(join(cacheDir, `${key}.json`), JSON.stringify(manifest))
  return path
}

/** Write then rename, so a concurrent process never reads half a file. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  await writeFile(temporary, text)
  await rename(temporary, path)
}

/** A project-relative path with forward slashes, for messages. */
export function projectRelative(root: string, path: string): string {
  return relative(root, path).split(sep).join('/')
}

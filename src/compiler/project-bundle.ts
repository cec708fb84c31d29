/**
 * The esbuild step of project-modules.ts: one ESM bundle of a project's own files, with the engine
 * left external and every input's content hashed. Two shapes: `flat` imports every file statically
 * (`modules[i]` is its namespace; one file that throws fails the whole import), `isolated` puts each
 * file behind a lazy loader (`modules[i]()`), so a file that throws fails alone.
 */
import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type * as EsbuildApi from 'esbuild'
import type { BuildFailure, Message, Plugin } from 'esbuild'

export interface BundleInput {
  /** Project root: the cache and error locations are relative to it. */
  readonly root: string
  /** Absolute paths of the modules to load, in order; `modules[i]` loads `paths[i]`. */
  readonly paths: readonly string[]
  /** URL the bundle imports for `#pipeline` and src/index.ts: the engine this process runs. */
  readonly engineEntry: string
  /** src/index.ts on disk; a relative import resolving to it is the engine. */
  readonly engineSource: string
  /** `flat`: static imports, `modules[i]` is the namespace; `isolated`: `modules[i]()` loads one file. */
  readonly shape: BundleShape
}

export type BundleShape = 'flat' | 'isolated'

/** sha256, size and mtimeMs of an input file; the stat is taken before the read, so a later edit is seen. */
export type InputStamp = readonly [string, number, number]

export type BundleResult =
  | { readonly ok: true; readonly code: string; readonly inputs: Readonly<Record<string, InputStamp>> }
  | { readonly ok: false; readonly error: Error }

const IMPORT_META = /\bimport\.meta\.(url|filename|dirname)\b/g
const USES_IMPORT_META = /\bimport\.meta\b/
/** Files are hashed in slices between turns of the event loop, so esbuild's replies are read meanwhile. */
const HASH_SLICE = 200
const ENTRY_FILE = 'pipeline-project-modules.js'

/**
 * A file modified this close to the build's start (or during it) may not hold what the build read:
 * its stamp is left unusable and the next compile builds again (as git treats a "racy" index entry).
 * Two seconds cover the coarsest file-time resolution in use (FAT); ext4 and APFS are finer.
 */
const RACY_MS = 2000
/** A stamp no file matches (size -1): the bundle is rebuilt next time. */
const UNUSABLE: InputStamp = ['', -1, -1]

/**
 * Bundle the files; `inputs` maps every file read (absolute path) to its stamp. esbuild reads the
 * files itself and resolves the engine itself (calling into JavaScript for each of 10,000 files
 * tripled the build); the requested files are hashed while esbuild works, the others it read after,
 * and only files that use `import.meta` are built again through the plugin that pins it to their
 * own location.
 */
export async function buildBundle(input: BundleInput): Promise<BundleResult> {
  const started = Date.now()
  const building = runBuild(input, [])
  const early = await stampFiles(input.paths, started)
  const native = await building
  if (!native.ok) return native
  const inputs: Record<string, InputStamp> = {}
  const withMeta: string[] = []
  for (const path of native.inputs) {
    const stamped = early.get(path)
    const { stamp, usesMeta } = stamped
      ? { ...stamped, stamp: steadySince(path, stamped.stamp) }
      : stampFile(path, started)
    inputs[path] = stamp
    if (usesMeta) withMeta.push(path)
  }
  if (withMeta.length === 0) return { ok: true, code: native.code, inputs }
  const pinned: Record<string, InputStamp> = {}
  const again = await runBuild(input, [sourcePlugin(pinned, withMeta)])
  if (!again.ok) return again
  return { ok: true, code: again.code, inputs: { ...inputs, ...pinned } }
}

type BuildOutput = { readonly ok: true; readonly code: string; readonly inputs: readonly string[] } | BundleFailure
type BundleFailure = { readonly ok: false; readonly error: Error }

/** The bundle's entry: `modules` holds each file's namespace (flat) or a loader of it (isolated). */
function entryCode(input: BundleInput): string {
  const specifiers = input.paths.map((path) => JSON.stringify(path))
  if (input.shape === 'flat')
    return `${specifiers.map((path, i) => `import * as m${i} from ${path}`).join('\n')}\nexport const modules = [${specifiers.map((_, i) => `m${i}`).join(', ')}]\n`
  return `export const modules = {\n${specifiers.map((path, i) => `  ${JSON.stringify(String(i))}: () => import(${path}),`).join('\n')}\n}\n`
}

type Esbuild = Omit<typeof EsbuildApi, 'default'>

/** esbuild is CommonJS: the compiled engine loads it with require(), so import() gives `default` only. */
async function loadEsbuild(): Promise<Esbuild> {
  const loaded: Esbuild & { default?: Esbuild } = await import('esbuild')
  return loaded.default ?? loaded
}

async function runBuild(input: BundleInput, plugins: Plugin[]): Promise<BuildOutput> {
  const esbuild = await loadEsbuild()
  try {
    const result = await esbuild.build({
      stdin: { contents: entryCode(input), resolveDir: input.root, sourcefile: ENTRY_FILE, loader: 'js' },
      absWorkingDir: input.root,
      bundle: true,
      write: false,
      // Relative imports of src/index.ts resolve to it and stay external: esbuild prints them relative
      // to outdir (nothing is written), and engineImports() resolves them to the running engine.
      outdir: dirname(input.engineSource),
      external: [input.engineSource, input.engineEntry],
      alias: { '#pipeline': input.engineEntry },
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
      metafile: true,
      plugins,
    })
    const [output] = result.outputFiles
    const meta = Object.values(result.metafile.outputs)[0]
    if (!output || !meta) return { ok: false, error: new Error('esbuild produced no output') }
    // Inputs in the file namespace are paths relative to absWorkingDir; others carry a "namespace:" prefix.
    const inputs = Object.keys(result.metafile.inputs)
      .filter((key) => !/^[a-z-]+:/.test(key) && key !== ENTRY_FILE)
      .map((key) => resolve(input.root, key))
    return { ok: true, code: engineImports(output.text, meta.imports, input.engineEntry), inputs }
  } catch (error) {
    return { ok: false, error: describeFailure(error) }
  }
}

/**
 * Point the engine's imports, printed as a path relative to outdir, at the engine entry. They are the
 * only external imports that are file paths (packages stay bare, `#pipeline` is the entry already),
 * and esbuild prints them only as `from "…"`, `import "…"` or `import("…")`.
 */
function engineImports(code: string, imports: readonly { path: string; external?: boolean }[], entry: string): string {
  const paths = new Set(imports.filter((i) => i.external && /^\.{0,2}\//.test(i.path)).map((i) => i.path))
  let pinned = `\n${code}` // so that an import on the first line follows a newline too
  for (const path of paths) {
    const [from, to] = [JSON.stringify(path), JSON.stringify(entry)]
    for (const lead of [' from ', '\nimport ', 'import(']) pinned = pinned.replaceAll(`${lead}${from}`, `${lead}${to}`)
  }
  return pinned.slice(1)
}

interface Stamped {
  readonly stamp: InputStamp
  readonly usesMeta: boolean
}

/**
 * stat, read and hash one file, then stat it again (unless `statAfter` is false: steadySince does it after the
 * build); a file changed near or after `started` gets an unusable stamp. Synchronous: for thousands
 * of small files, a promise per call costs more than the call.
 */
function stampFile(path: string, started: number, statAfter = true): Stamped {
  try {
    const before = statSync(path)
    const bytes = readFileSync(path)
    const after = statAfter ? statSync(path) : before
    const usesMeta = bytes.includes('import.meta') && USES_IMPORT_META.test(bytes.toString('utf8'))
    const steady = before.mtimeMs === after.mtimeMs && before.size === after.size && after.size === bytes.length
    const stamp: InputStamp =
      steady && after.mtimeMs < started - RACY_MS
        ? [createHash('sha256').update(bytes).digest('hex'), after.size, after.mtimeMs]
        : UNUSABLE
    return { stamp, usesMeta }
  } catch {
    // Missing or unreadable: the build reports it.
    return { stamp: UNUSABLE, usesMeta: false }
  }
}

/** Stamp the files in slices, yielding to the event loop between them (esbuild's replies arrive meanwhile). */
async function stampFiles(paths: readonly string[], started: number): Promise<Map<string, Stamped>> {
  const stamps = new Map<string, Stamped>()
  for (let from = 0; from < paths.length; from += HASH_SLICE) {
    for (const path of paths.slice(from, from + HASH_SLICE)) stamps.set(path, stampFile(path, started, false))
    await new Promise((resolve) => setImmediate(resolve))
  }
  return stamps
}

/**
 * A stamp taken while esbuild built holds what esbuild read only if the file is still as stamped
 * now, after the build: its mtime predates the build by RACY_MS, so any write since the stamp's stat
 * (before the read) would have changed it.
 */
function steadySince(path: string, stamp: InputStamp): InputStamp {
  if (stamp === UNUSABLE) return stamp
  try {
    const now = statSync(path)
    return now.mtimeMs === stamp[2] && now.size === stamp[1] ? stamp : UNUSABLE
  } catch {
    return UNUSABLE
  }
}

/**
 * Reads each project file once: hashes it for the cache, and pins `import.meta.url` (and
 * `filename`, `dirname`) to the file's own location, since the bundle lives elsewhere.
 */
function sourcePlugin(inputs: Record<string, InputStamp>, only: readonly string[]): Plugin {
  const files = new Set(only)
  return {
    name: 'pipeline-sources',
    setup(build) {
      build.onLoad({ filter: exactly(only), namespace: 'file' }, async (args) => {
        if (!files.has(args.path)) return undefined
        const before = await stat(args.path)
        const bytes = await readFile(args.path)
        inputs[args.path] = [createHash('sha256').update(bytes).digest('hex'), before.size, before.mtimeMs]
        const extension = /\.([a-z]+)$/.exec(args.path)?.[1] ?? 'js'
        if (extension === 'json') return { contents: bytes, loader: 'json' }
        const text = bytes.toString('utf8')
        const meta = {
          url: JSON.stringify(pathToFileURL(args.path).href),
          filename: JSON.stringify(args.path),
          dirname: JSON.stringify(resolve(args.path, '..')),
        }
        const contents = text.includes('import.meta')
          ? text.replace(IMPORT_META, (_, key: 'url' | 'filename' | 'dirname') => meta[key])
          : text
        return { contents, loader: extension.endsWith('ts') ? 'ts' : 'js' }
      })
    },
  }
}

/** A filter matching exactly these paths (esbuild applies it before calling into JavaScript). */
function exactly(paths: readonly string[]): RegExp {
  return new RegExp(`^(${paths.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`)
}

/** esbuild's errors as one message: file:line:column and the text of each (at most five). */
function describeFailure(error: unknown): Error {
  const messages = (error as Partial<BuildFailure>).errors
  if (!messages?.length) return error instanceof Error ? error : new Error(String(error))
  const lines = messages.slice(0, 5).map(formatMessage)
  const more = messages.length > 5 ? `; and ${messages.length - 5} more` : ''
  return new Error(`${lines.join('; ')}${more}`, { cause: error })
}

function formatMessage(message: Message): string {
  const where = message.location
  return where ? `${where.file}:${where.line}:${where.column + 1}: ${message.text}` : message.text
}

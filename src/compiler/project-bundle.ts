/**
 * The esbuild step of project-modules.ts: one ESM bundle of a project's own files, each behind a
 * lazy loader (`modules[i]()`), with the engine left external and every input's content hashed.
 */
import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BuildFailure, Message, Plugin } from 'esbuild'

export interface BundleInput {
  /** Project root: the cache and error locations are relative to it. */
  readonly root: string
  /** Absolute paths of the modules to load, in order; `modules[i]` loads `paths[i]`. */
  readonly paths: readonly string[]
  /** URL the bundle imports for `#pipeline` and src/index.ts: the engine this process runs. */
  readonly engineEntry: string
  /** src/index.ts on disk; a relative import resolving to it (any extension) is the engine. */
  readonly engineSource: string
}

/** sha256, size and mtimeMs of an input file; the stat is taken before the read, so a later edit is seen. */
export type InputStamp = readonly [string, number, number]

export type BundleResult =
  | { readonly ok: true; readonly code: string; readonly inputs: Readonly<Record<string, InputStamp>> }
  | { readonly ok: false; readonly error: Error }

const IMPORT_META = /\bimport\.meta\.(url|filename|dirname)\b/g
const USES_IMPORT_META = /\bimport\.meta\b/
const ENGINE_INDEX = /(^|[\\/])index(\.[cm]?[jt]s)?$/

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
 * files itself (calling into JavaScript for each of 10,000 files tripled the build); the files are
 * hashed after the build, and only files that use `import.meta` are built again through the plugin
 * that pins it to their own location.
 */
export async function buildBundle(input: BundleInput): Promise<BundleResult> {
  const started = Date.now()
  const native = await runBuild(input, [enginePlugin(input)])
  if (!native.ok) return native
  const stamps = stampInputs(native.inputs, started)
  const withMeta = Object.keys(stamps.texts).filter((path) => USES_IMPORT_META.test(stamps.texts[path] ?? ''))
  if (withMeta.length === 0) return { ok: true, code: native.code, inputs: stamps.inputs }
  const pinned: Record<string, InputStamp> = {}
  const again = await runBuild(input, [enginePlugin(input), sourcePlugin(pinned, withMeta)])
  if (!again.ok) return again
  return { ok: true, code: again.code, inputs: { ...stamps.inputs, ...pinned } }
}

type BuildOutput = { readonly ok: true; readonly code: string; readonly inputs: readonly string[] } | BundleFailure
type BundleFailure = { readonly ok: false; readonly error: Error }

async function runBuild(input: BundleInput, plugins: Plugin[]): Promise<BuildOutput> {
  const esbuild = await import('esbuild')
  const entry = input.paths.map((path, i) => `  ${JSON.stringify(String(i))}: () => import(${JSON.stringify(path)}),`)
  try {
    const result = await esbuild.build({
      stdin: {
        contents: `export const modules = {\n${entry.join('\n')}\n}\n`,
        resolveDir: input.root,
        sourcefile: 'pipeline-project-modules.js',
        loader: 'js',
      },
      absWorkingDir: input.root,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
      metafile: true,
      plugins,
    })
    const [output] = result.outputFiles
    if (!output) return { ok: false, error: new Error('esbuild produced no output') }
    // Inputs in the file namespace are paths relative to absWorkingDir; others carry a "namespace:" prefix.
    const inputs = Object.keys(result.metafile.inputs)
      .filter((key) => !/^[a-z-]+:/.test(key) && key !== 'pipeline-project-modules.js')
      .map((key) => resolve(input.root, key))
    return { ok: true, code: output.text, inputs }
  } catch (error) {
    return { ok: false, error: describeFailure(error) }
  }
}

/**
 * Stamp and read every input the build read; a file changed near or after `started` gets an unusable
 * stamp. Synchronous: for thousands of small files, a promise per call costs more than the call.
 */
function stampInputs(
  paths: readonly string[],
  started: number,
): { inputs: Record<string, InputStamp>; texts: Record<string, string> } {
  const inputs: Record<string, InputStamp> = {}
  const texts: Record<string, string> = {}
  for (const path of paths) {
    const before = statSync(path)
    const bytes = readFileSync(path)
    const after = statSync(path)
    texts[path] = bytes.toString('utf8')
    const steady = before.mtimeMs === after.mtimeMs && before.size === after.size && after.size === bytes.length
    inputs[path] =
      steady && after.mtimeMs < started - RACY_MS
        ? [createHash('sha256').update(bytes).digest('hex'), after.size, after.mtimeMs]
        : UNUSABLE
  }
  return { inputs, texts }
}

function stripExtension(path: string): string {
  return path.replace(/\.[cm]?[jt]s$/, '')
}

/** `#pipeline` and relative imports of src/index.ts become imports of the running engine. */
function enginePlugin(input: BundleInput): Plugin {
  const engine = stripExtension(input.engineSource)
  return {
    name: 'pipeline-engine',
    setup(build) {
      build.onResolve({ filter: /^#pipeline$/ }, () => ({ path: input.engineEntry, external: true }))
      build.onResolve({ filter: ENGINE_INDEX }, (args) => {
        if (!args.path.startsWith('.') && !isAbsolute(args.path)) return undefined
        const target = stripExtension(resolve(args.resolveDir, args.path))
        return target === engine ? { path: input.engineEntry, external: true } : undefined
      })
    },
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

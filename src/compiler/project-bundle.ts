/**
 * The esbuild step of project-modules.ts: one ESM bundle of a project's own files, each behind a
 * lazy loader (`modules[i]()`), with the engine left external and every input's content hashed.
 */
import { createHash } from 'node:crypto'
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

const SOURCE_FILE = /\.(ts|mts|cts|js|mjs|cjs|json)$/
const IMPORT_META = /\bimport\.meta\.(url|filename|dirname)\b/g
const ENGINE_INDEX = /(^|[\\/])index(\.[cm]?[jt]s)?$/

/** Bundle the files; `inputs` maps every file read (absolute path) to its stamp. */
export async function buildBundle(input: BundleInput): Promise<BundleResult> {
  const esbuild = await import('esbuild')
  const inputs: Record<string, InputStamp> = {}
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
      plugins: [enginePlugin(input), sourcePlugin(inputs)],
    })
    const [output] = result.outputFiles
    if (!output) return { ok: false, error: new Error('esbuild produced no output') }
    return { ok: true, code: output.text, inputs }
  } catch (error) {
    return { ok: false, error: describeFailure(error) }
  }
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
function sourcePlugin(inputs: Record<string, InputStamp>): Plugin {
  return {
    name: 'pipeline-sources',
    setup(build) {
      build.onLoad({ filter: SOURCE_FILE, namespace: 'file' }, async (args) => {
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

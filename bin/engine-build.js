// The engine (src/) compiled to JavaScript once, so `pipeline` starts without transpiling it.
// Each build lives in dist/<hash of src/>/: a changed source tree is a new directory, built on
// the first start that needs it (npm's `prepare` builds it at `npm ci`), and two processes
// starting at once never read a half-written build (each writes a temporary directory, then
// renames it).
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { URL, fileURLToPath, pathToFileURL } from 'node:url'

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url))
const SOURCE_DIR = join(PACKAGE_ROOT, 'src')
const DIST_DIR = join(PACKAGE_ROOT, 'dist')
/** Bump when the build options below change, so older builds are not reused. */
const BUILD_FORMAT = 'engine-build-v2'
const EXTERNAL = ['@duckdb/*', '@google-cloud/*', 'esbuild', 'tsx', 'tsx/*']
/**
 * External CommonJS packages, loaded through require(): Node's ESM loader would first scan each of
 * their files for named exports (@duckdb/node-api: ≈ 0.1 s of every start that opens the warehouse).
 * A static import of one gets its named exports; a dynamic import() gets `default` only (as from Node).
 */
const REQUIRED = /^(@duckdb\/node-api|esbuild)$/
/** Builds of other source trees are removed once they are this old (a running process may still use them). */
const PRUNE_AFTER_MS = 24 * 60 * 60 * 1000

/** sha256 over every file under src/ (path and bytes), in sorted order. */
export function sourceHash() {
  const hash = createHash('sha256').update(BUILD_FORMAT)
  const files = readdirSync(SOURCE_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort()
  for (const file of files) {
    hash.update(`\0${relative(SOURCE_DIR, file).split(sep).join('/')}\0`)
    hash.update(readFileSync(file))
  }
  return hash.digest('hex').slice(0, 20)
}

/** The directory of the build of today's src/, building it first when it does not exist. */
export async function ensureEngineBuild() {
  const dir = join(DIST_DIR, sourceHash())
  if (existsSync(join(dir, 'main.js'))) return dir
  await buildEngine(dir)
  return dir
}

/** Bundle src/cli/main.ts and src/index.ts (sharing chunks, so definitions and CLI share one engine). */
export async function buildEngine(dir) {
  const { build } = await import('esbuild')
  const temporary = `${dir}.tmp-${process.pid}-${Date.now()}`
  await build({
    absWorkingDir: PACKAGE_ROOT,
    entryPoints: { main: 'src/cli/main.ts', index: 'src/index.ts' },
    outdir: temporary,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Pure-JS dependencies are bundled (one file parses faster than zod's hundred modules); native
    // and heavy ones stay external and load lazily.
    external: EXTERNAL,
    plugins: [requireCommonJs()],
    sourcemap: 'linked',
    logLevel: 'warning',
    define: { __PIPELINE_BUNDLED__: 'true' },
    // Bundled CommonJS dependencies (commander) call require() for node: built-ins.
    banner: {
      js: "import { createRequire as __pipelineRequire } from 'node:module'\nconst require = __pipelineRequire(import.meta.url)",
    },
  })
  try {
    renameSync(temporary, dir)
  } catch (error) {
    // Another process finished the same build first: its copy is identical.
    rmSync(temporary, { recursive: true, force: true })
    if (!existsSync(join(dir, 'main.js'))) throw error
  }
  pruneOldBuilds(dir)
}

/** Each REQUIRED package becomes a module whose body is `module.exports = require(name)`, with the require left external. */
function requireCommonJs() {
  return {
    name: 'require-commonjs',
    setup(build) {
      build.onResolve({ filter: REQUIRED }, (args) =>
        args.namespace === 'require-commonjs'
          ? { path: args.path, external: true }
          : { path: args.path, namespace: 'require-commonjs' },
      )
      build.onLoad({ filter: /.*/, namespace: 'require-commonjs' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)})`,
        loader: 'js',
      }))
    },
  }
}

function pruneOldBuilds(keep) {
  const now = Date.now()
  for (const name of readdirSync(DIST_DIR)) {
    const path = join(DIST_DIR, name)
    if (path === keep) continue
    try {
      if (now - statSync(path).mtimeMs > PRUNE_AFTER_MS) rmSync(path, { recursive: true, force: true })
    } catch {
      // already removed by another process
    }
  }
}

/** The CLI module of the current build, or of the sources through tsx when esbuild is unavailable. */
export async function loadCli() {
  let dir
  try {
    dir = await ensureEngineBuild()
  } catch (error) {
    process.stderr.write(
      `warning: cannot build the engine (${error.message}); running from sources with tsx (slower). Run "npm run build" to see the error\n`,
    )
    const { register } = await import('tsx/esm/api')
    register()
    return import(pathToFileURL(join(SOURCE_DIR, 'cli', 'main.ts')).href)
  }
  return import(pathToFileURL(join(dir, 'main.js')).href)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now()
  const dir = await ensureEngineBuild()
  process.stdout.write(`engine build ${relative(PACKAGE_ROOT, dir)} ready in ${Date.now() - started} ms\n`)
}

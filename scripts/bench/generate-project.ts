/**
 * A layered synthetic project of N actions written AS FILES, once for this pipeline (TypeScript)
 * and once as the equivalent Dataform project (SQLX), for the compile-from-disk benchmark.
 *
 * Shape (issue 12): about 4 % declarations, 10 % standalone assertions, the rest tables, views and
 * incrementals in turn; about log2(N) layers, each action 1–3 refs to earlier layers (one of them
 * to the layer just before); inline assertions on a third of the models (tables and incrementals: views take none); one shared include of
 * helpers that every model calls. Deterministic for a given N (seeded PRNG).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'

type ModelKind = 'table' | 'view' | 'incremental'

export interface BenchAction {
  readonly name: string
  readonly kind: ModelKind | 'declaration' | 'assertion'
  readonly layer: number
  readonly refs: readonly string[]
  readonly inlineAssertions: boolean
}

/** mulberry32: small, fast and deterministic. */
function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The actions of an N-action project: names, kinds, layers and refs. */
export function benchActions(size: number): BenchAction[] {
  const random = prng(size * 2654435761)
  const declarations = Math.max(1, Math.round(size * 0.04))
  const assertions = Math.round(size * 0.1)
  const models = Math.max(1, size - declarations - assertions)
  const layers = Math.max(2, Math.round(Math.log2(Math.max(size, 2))))
  const byLayer: string[][] = Array.from({ length: layers }, () => [])
  const actions: BenchAction[] = []
  for (let i = 0; i < declarations; i++) {
    const name = `src_${i}`
    byLayer[0]?.push(name)
    actions.push({ name, kind: 'declaration', layer: 0, refs: [], inlineAssertions: false })
  }
  const pick = (layer: number) => {
    const names = byLayer[layer] as string[]
    return names[Math.floor(random() * names.length)] as string
  }
  for (let i = 0; i < models; i++) {
    const layer = 1 + Math.floor((i * (layers - 1)) / models)
    const refs = new Set([pick(layer - 1)])
    const extra = Math.floor(random() * 3)
    for (let r = 0; r < extra; r++) refs.add(pick(Math.floor(random() * layer)))
    const kind = (['table', 'view', 'incremental'] as const)[i % 3] as ModelKind
    const name = `${kind}_${layer}_${i}`
    byLayer[layer]?.push(name)
    actions.push({
      name,
      kind,
      layer,
      refs: [...refs],
      inlineAssertions: kind !== 'view' && Math.floor(i / 3) % 2 === 0,
    })
  }
  for (let i = 0; i < assertions; i++) {
    const layer = 1 + Math.floor(random() * (layers - 1))
    actions.push({ name: `check_${i}`, kind: 'assertion', layer: layers, refs: [pick(layer)], inlineAssertions: false })
  }
  return actions
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}

function specifier(from: string, to: string): string {
  const path = relative(dirname(from), to).split(sep).join('/')
  return path.startsWith('.') ? path : `./${path}`
}

function fileOf(action: BenchAction): string {
  return action.kind === 'assertion' ? `assertions/${action.name}` : `definitions/layer-${action.layer}/${action.name}`
}

/** The pipeline project: one .ts file per action, importing the engine by relative path. */
export function writePipelineProject(dir: string, actions: readonly BenchAction[], engineIndex: string): void {
  rmSync(dir, { recursive: true, force: true })
  write(
    join(dir, 'includes/helpers.ts'),
    `import { raw } from '${specifier(join(dir, 'includes/helpers.ts'), engineIndex)}'\n\n` +
      `export function sumOf(columns: readonly string[]) {\n  return raw(columns.map((c) => \`coalesce(\${c}, 0)\`).join(' + '))\n}\n\n` +
      `export const KEY_COLUMNS = ['day', 'key'] as const\n`,
  )
  for (const action of actions) {
    const path = join(dir, `${fileOf(action)}.ts`)
    write(path, pipelineSource(action, specifier(path, engineIndex), specifier(path, join(dir, 'includes/helpers.js'))))
  }
}

function pipelineSource(action: BenchAction, engine: string, helpers: string): string {
  const head = `import { ${action.kind}, sql } from '${engine}'\n`
  if (action.kind === 'declaration')
    return `import { declaration } from '${engine}'\n\nexport const ${action.name} = declaration({ name: '${action.name}', dataset: 'raw' })\n`
  const from = action.refs.map((r, i) =>
    i === 0 ? `\${ctx.ref('${r}')} t0` : `left join \${ctx.ref('${r}')} t${i} using (day, key)`,
  )
  const value = action.refs.map((_, i) => `'t${i}.value'`).join(', ')
  if (action.kind === 'assertion')
    return `${head}\nexport const ${action.name} = assertion({\n  name: '${action.name}',\n  query: (ctx) => sql\`select day, key from ${from[0]} where t0.value < 0\`,\n})\n`
  const interval =
    action.kind === 'incremental'
      ? `  interval: { column: 'day', start: '2024-01-01' },\n  write: { strategy: 'replace_interval' },\n`
      : ''
  const where =
    action.kind === 'incremental' ? ' where t0.day >= ${ctx.interval.start} and t0.day < ${ctx.interval.end}' : ''
  const checks = action.inlineAssertions ? `  assertions: { uniqueKey: [...KEY_COLUMNS], nonNull: ['value'] },\n` : ''
  return (
    `${head}import { KEY_COLUMNS, sumOf } from '${helpers}'\n\n` +
    `export const ${action.name} = ${action.kind}({\n  name: '${action.name}',\n${interval}${checks}` +
    `  query: (ctx) => sql\`select t0.day, t0.key, \${sumOf([${value}])} as value from ${from.join(' ')}${where}\`,\n})\n`
  )
}

/**
 * The Dataform 3 project: workflow_settings.yaml, one .sqlx per action, includes/helpers.js, and a
 * package.json naming @dataform/core; `nodeModules` (where @dataform/core is installed) provides a copy of it,
 * so `dataform compile` does not install anything while it is timed.
 */
export function writeDataformProject(dir: string, actions: readonly BenchAction[], nodeModules: string): void {
  rmSync(dir, { recursive: true, force: true })
  write(
    join(dir, 'workflow_settings.yaml'),
    'defaultProject: bench\ndefaultLocation: EU\ndefaultDataset: bench\ndefaultAssertionDataset: bench_assertions\n',
  )
  const core = JSON.parse(readFileSync(join(nodeModules, '@dataform/core/package.json'), 'utf8')) as { version: string }
  write(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { '@dataform/core': core.version } }))
  // A copy, not a link: Dataform's sandbox refuses modules resolved outside the project.
  cpSync(join(nodeModules, '@dataform/core'), join(dir, 'node_modules/@dataform/core'), { recursive: true })
  write(
    join(dir, 'includes/helpers.js'),
    `function sumOf(columns) {\n  return columns.map((c) => \`coalesce(\${c}, 0)\`).join(' + ')\n}\n\nconst KEY_COLUMNS = ['day', 'key']\n\nmodule.exports = { sumOf, KEY_COLUMNS }\n`,
  )
  for (const action of actions) write(join(dir, `definitions/${fileOf(action)}.sqlx`), sqlxSource(action))
}

function sqlxSource(action: BenchAction): string {
  if (action.kind === 'declaration')
    return `config {\n  type: "declaration",\n  schema: "raw",\n  name: "${action.name}"\n}\n`
  const from = action.refs.map((r, i) =>
    i === 0 ? `\${ref("${r}")} t0` : `left join \${ref("${r}")} t${i} using (day, key)`,
  )
  if (action.kind === 'assertion')
    return `config {\n  type: "assertion",\n  name: "${action.name}"\n}\n\nselect day, key from ${from[0]} where t0.value < 0\n`
  const checks = action.inlineAssertions
    ? `,\n  assertions: {\n    uniqueKey: helpers.KEY_COLUMNS,\n    nonNull: ["value"]\n  }`
    : ''
  const where =
    action.kind === 'incremental' ? '\n${when(incremental(), `where t0.day > (select max(day) from ${self()})`)}' : ''
  const value = action.refs.map((_, i) => `"t${i}.value"`).join(', ')
  return (
    `config {\n  type: "${action.kind}",\n  name: "${action.name}"${checks}\n}\n\n` +
    `select t0.day, t0.key, \${helpers.sumOf([${value}])} as value from ${from.join(' ')}${where}\n`
  )
}

/**
 * Compile from disk, side by side with Dataform (issue 12 item 4): generate a layered project of
 * N actions as files (scripts/bench/generate-project.ts), then time the whole process of
 * `pipeline compile --json --project <dir>` (cold: module cache removed; warm: cache kept) and,
 * when @dataform/cli is installed, `dataform compile --json` of the equivalent SQLX project, in one run.
 *
 * Run: npx tsx scripts/bench/compile-disk.ts [--sizes 10,100,1000,10000] [--runs 3]
 *        [--dataform /tmp/dataform/node_modules] [--tsx-up-to 1000] [--dataform-up-to 1000] [--before REF]
 * --before REF: the same compile by the tree of git REF (exported with `git archive`, borrowing this
 * checkout's node_modules), cold and warm, alternated with this tree's, on its own copy of the project
 * (the definitions import the engine of their tree).
 * Dataform is installed outside the repo:  mkdir -p /tmp/dataform && cd /tmp/dataform &&
 *   npm install @dataform/cli@3.0.69 @dataform/core@3.0.62
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchActions, writeDataformProject, writePipelineProject } from './generate-project.js'
import { formatSummary, runOnce, summarize } from './measure.js'
import type { Sample } from './measure.js'

const REPO = new URL('../..', import.meta.url).pathname
const BIN = join(REPO, 'bin', 'pipeline.js')
const TSX = join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs')

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,100,1000,10000' },
    runs: { type: 'string', default: '3' },
    dataform: { type: 'string', default: '/tmp/dataform/node_modules' },
    'tsx-up-to': { type: 'string', default: '1000' },
    'dataform-up-to': { type: 'string', default: '1000' },
    out: { type: 'string', default: join(tmpdir(), 'pipeline-bench-compile') },
    before: { type: 'string' },
  },
})
const sizes = values.sizes.split(',').map(Number)
const runs = Number(values.runs)
const dataformCli = join(values.dataform, '@dataform', 'cli', 'bundle.js')
const hasDataform = existsSync(dataformCli) && existsSync(join(values.dataform, '@dataform', 'core'))

type Tool =
  | 'pipeline (cold)'
  | 'pipeline (warm cache)'
  | 'dataform'
  | 'tsx, per-module (before)'
  | `before ${string} (cold)`
  | `before ${string} (warm cache)`

/** The tree of git `ref` in `dir` (once), its engine built: `node <dir>/bin/pipeline.js` runs it. */
function exportTree(ref: string, dir: string): string {
  if (!existsSync(join(dir, 'bin', 'pipeline.js'))) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    execFileSync('sh', [
      '-c',
      `git -C ${JSON.stringify(REPO)} archive ${JSON.stringify(ref)} | tar -x -C ${JSON.stringify(dir)}`,
    ])
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'))
  }
  runOnce(process.execPath, [join(dir, 'bin', 'pipeline.js'), '--help'])
  return dir
}

/** Cold (the project's .pipeline/ removed first) and warm compiles of `project` by the tree at `tree`. */
function compileCommands(tree: string, project: string, cold: Tool, warm: Tool): [Tool, () => Sample][] {
  const bin = join(tree, 'bin', 'pipeline.js')
  return [
    [
      cold,
      () => {
        rmSync(join(project, '.pipeline'), { recursive: true, force: true })
        return runOnce(process.execPath, [bin, 'compile', '--json', '--project', project])
      },
    ],
    [warm, () => runOnce(process.execPath, [bin, 'compile', '--json', '--project', project])],
  ]
}

function check(tool: Tool, size: number, sample: Sample): void {
  if (sample.status !== 0)
    throw new Error(`${tool} at ${size} exited ${sample.status}: ${sample.stderr.slice(0, 2000)}`)
  const json = JSON.parse(sample.stdout) as {
    actions?: unknown[]
    tables?: unknown[]
    declarations?: unknown[]
    assertions?: { parentAction?: unknown }[]
    graphErrors?: { compilationErrors?: unknown[] }
  }
  if (tool === 'dataform') {
    const errors = json.graphErrors?.compilationErrors ?? []
    if (errors.length) throw new Error(`dataform at ${size}: ${JSON.stringify(errors[0])}`)
    const standalone = (json.assertions ?? []).filter((a) => !a.parentAction).length
    const count = (json.tables?.length ?? 0) + (json.declarations?.length ?? 0) + standalone
    if (count !== size) throw new Error(`dataform compiled ${count} actions, expected ${size}`)
  } else if (json.actions?.length !== size)
    throw new Error(`${tool} compiled ${json.actions?.length} actions, expected ${size}`)
}

function main(): void {
  runOnce(process.execPath, [BIN, '--help']) // build the engine first if src/ changed; not timed
  const beforeTree = values.before ? exportTree(values.before, join(values.out, `tree-${values.before}`)) : undefined
  console.log(
    `compile --json from disk, ${runs} runs each, interleaved; dataform ${hasDataform ? 'installed' : 'not installed'}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  )
  console.log('| actions | tool | median | min–max | peak RSS |\n| --- | --- | --- | --- | --- |')
  for (const size of sizes) {
    const actions = benchActions(size)
    const dir = join(values.out, String(size))
    writePipelineProject(join(dir, 'pipeline'), actions, join(REPO, 'src', 'index.js'))
    if (hasDataform) writeDataformProject(join(dir, 'dataform'), actions, values.dataform)
    const project = join(dir, 'pipeline')
    const commands: [Tool, () => Sample][] = []
    if (beforeTree) {
      const beforeProject = join(dir, 'pipeline-before')
      writePipelineProject(beforeProject, actions, join(beforeTree, 'src', 'index.js'))
      commands.push(
        ...compileCommands(
          beforeTree,
          beforeProject,
          `before ${values.before} (cold)`,
          `before ${values.before} (warm cache)`,
        ),
      )
    }
    commands.push(...compileCommands(REPO, project, 'pipeline (cold)', 'pipeline (warm cache)'))
    if (hasDataform && size <= Number(values['dataform-up-to']))
      commands.push([
        'dataform',
        () =>
          runOnce(process.execPath, [dataformCli, 'compile', '--json', '--timeout=1h'], { cwd: join(dir, 'dataform') }),
      ])
    if (size <= Number(values['tsx-up-to']))
      commands.push([
        'tsx, per-module (before)',
        () =>
          runOnce(process.execPath, [TSX, join(REPO, 'src/cli/main.ts'), 'compile', '--json', '--project', project], {
            env: { ...process.env, PIPELINE_LOADER: 'import' },
          }),
      ])
    const samples = new Map<Tool, Sample[]>()
    for (let run = 0; run < runs; run++) {
      for (const [tool, command] of commands) {
        const sample = command()
        check(tool, size, sample)
        samples.set(tool, [...(samples.get(tool) ?? []), sample])
      }
    }
    const medians = new Map<Tool, number>()
    for (const [tool, list] of samples) {
      const summary = summarize(list)
      medians.set(tool, summary.median)
      console.log(`| ${size.toLocaleString('en-US')} | ${tool} | ${formatSummary(summary)} |`)
    }
    const previous = medians.get(`before ${values.before} (cold)`)
    if (previous)
      console.log(
        `| ${size.toLocaleString('en-US')} | cold: this tree ÷ ${values.before} | ${((medians.get('pipeline (cold)') ?? NaN) / previous).toFixed(2)} | | |`,
      )
    const ours = medians.get('pipeline (cold)')
    const dataform = medians.get('dataform')
    if (ours && dataform)
      console.log(
        `| ${size.toLocaleString('en-US')} | dataform ÷ pipeline (cold) | ${(dataform / ours).toFixed(1)}× | | |`,
      )
  }
  console.log(
    `\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
}

main()

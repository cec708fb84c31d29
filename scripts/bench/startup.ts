/**
 * Start-up from disk (issue 12 item 3): whole-process times of the CLI as a user runs it, the
 * compiled engine (bin/pipeline.js) beside the engine transpiled by tsx on every start.
 * Run: npx tsx scripts/bench/startup.ts [runs]   (default 7; medians)
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { formatSummary, runOnce, summarize } from './measure.js'
import type { Sample } from './measure.js'

const REPO = new URL('../..', import.meta.url).pathname
const BIN = join(REPO, 'bin', 'pipeline.js')
const TSX = join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const MAIN = join(REPO, 'src', 'cli', 'main.ts')
const runs = Number(process.argv[2] ?? 7)
const node = process.execPath
const before = { ...process.env, PIPELINE_LOADER: 'import' }

const cases: [string, () => Sample][] = [
  ['node -e "" (Node itself)', () => runOnce(node, ['-e', ''])],
  ['node bin/pipeline.js --help', () => runOnce(node, [BIN, '--help'])],
  ['tsx src/cli/main.ts --help (before)', () => runOnce(node, [TSX, MAIN, '--help'])],
  [
    'node bin/pipeline.js compile --json (module cache warm)',
    () => runOnce(node, [BIN, 'compile', '--json'], { cwd: REPO }),
  ],
  [
    'node bin/pipeline.js compile --json (module cache cold)',
    () => {
      rmSync(join(REPO, '.pipeline', 'cache', 'modules'), { recursive: true, force: true })
      return runOnce(node, [BIN, 'compile', '--json'], { cwd: REPO })
    },
  ],
  [
    'tsx src/cli/main.ts compile --json (before: per-module tsx)',
    () => runOnce(node, [TSX, MAIN, 'compile', '--json'], { cwd: REPO, env: before }),
  ],
]

runOnce(node, [BIN, '--help']) // build the engine first if src/ changed; not timed
const samples = new Map<string, Sample[]>()
for (let run = 0; run < runs; run++) {
  for (const [name, command] of cases) {
    const sample = command()
    if (sample.status !== 0) throw new Error(`${name} exited ${sample.status}: ${sample.stderr.slice(0, 2000)}`)
    samples.set(name, [...(samples.get(name) ?? []), sample])
  }
}
console.log(`start-up, ${runs} runs each, interleaved (this project: ${REPO})\n`)
console.log('| command | median | min–max | peak RSS |\n| --- | --- | --- | --- |')
for (const [name, list] of samples) console.log(`| \`${name}\` | ${formatSummary(summarize(list))} |`)

/** Every benchmark, one after the other: npm run bench (20 minutes on a quiet hour of the 2-core machine, 50 on a slow one). */
import { spawnSync } from 'node:child_process'

for (const script of [
  // The machine's speed before and after: this VM's host load changes every figure by up to 2x.
  'scripts/bench/machine.ts',
  'scripts/bench/compile.ts',
  'scripts/bench/startup.ts',
  'scripts/bench/compile-disk.ts',
  'scripts/bench/scoring.ts',
  'scripts/bench/pipeline.ts',
  'scripts/bench/start.ts',
  'scripts/bench/engine-overhead.ts',
  'scripts/bench/seasons.ts',
  // Three runs of the whole suite: the figure is a median.
  'scripts/bench/test-suite.ts --runs 3',
  'scripts/bench/machine.ts',
]) {
  console.log(`\n# ${script}`)
  const [file, ...args] = script.split(' ')
  const result = spawnSync('npx', ['tsx', '--expose-gc', file!, ...args], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

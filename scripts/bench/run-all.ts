/** Every benchmark, one after the other: npm run bench */
import { spawnSync } from 'node:child_process'

for (const script of [
  'scripts/bench/compile.ts',
  'scripts/bench/startup.ts',
  'scripts/bench/compile-disk.ts',
  'scripts/bench/scoring.ts',
  'scripts/bench/pipeline.ts',
  'scripts/bench/start.ts',
  'scripts/bench/engine-overhead.ts',
  'scripts/bench/seasons.ts',
  'scripts/bench/test-suite.ts',
]) {
  console.log(`\n# ${script}`)
  const result = spawnSync('npx', ['tsx', '--expose-gc', script], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

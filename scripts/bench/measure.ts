/** Whole-process timing for the benchmarks: wall time and peak RSS of a child, medians of N runs. */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export interface Sample {
  readonly seconds: number
  /** Peak resident set size of the child, MiB. */
  readonly rssMiB: number
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

const GNU_TIME = '/usr/bin/time'

/** Run a command once; with GNU time when present (%e %M), else wall clock and the child's maxRSS. */
export function runOnce(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Sample {
  const useTime = existsSync(GNU_TIME)
  const started = performance.now()
  const result = useTime
    ? spawnSync(GNU_TIME, ['-f', '%e %M', command, ...args], { ...options, encoding: 'utf8', maxBuffer: 2 ** 30 })
    : spawnSync(command, args, { ...options, encoding: 'utf8', maxBuffer: 2 ** 30 })
  const wall = (performance.now() - started) / 1000
  let seconds = wall
  let rssMiB = Number.NaN
  let stderr = result.stderr ?? ''
  if (useTime) {
    const lines = stderr.trimEnd().split('\n')
    const [e, m] = (lines.pop() ?? '').split(' ').map(Number)
    stderr = lines.join('\n')
    if (Number.isFinite(e) && Number.isFinite(m)) {
      seconds = wall // %e has 10 ms resolution; the spawn wall clock is finer and includes the same process
      rssMiB = (m as number) / 1024
    }
  }
  return { seconds, rssMiB, status: result.status ?? 1, stdout: result.stdout ?? '', stderr }
}

export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly rssMiB: number
  readonly runs: number
}

/** The middle value of an odd count; of an even count, the upper of the two middle values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

export function summarize(samples: readonly Sample[]): Summary {
  const times = samples.map((s) => s.seconds).sort((a, b) => a - b)
  return {
    median: median(times),
    min: times[0] as number,
    max: times[times.length - 1] as number,
    rssMiB: Math.max(...samples.map((s) => s.rssMiB)),
    runs: samples.length,
  }
}

export function formatSeconds(value: number): string {
  return value < 1 ? `${(value * 1000).toFixed(0)} ms` : `${value.toFixed(2)} s`
}

export function formatSummary(s: Summary): string {
  const rss = Number.isFinite(s.rssMiB) ? `${s.rssMiB.toFixed(0)} MiB` : 'n/a'
  return `${formatSeconds(s.median)} | ${formatSeconds(s.min)}–${formatSeconds(s.max)} | ${rss}`
}

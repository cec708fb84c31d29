import type { RunEvent, ActionResult } from '../runner/result.js'
import type { CliIo } from './cli-context.js'

/** One line per finished action (CI, logs), or a live status line on a terminal. */
export function createProgress(io: CliIo): { onEvent: (event: RunEvent) => void; done: () => void } {
  const running = new Map<string, string>()
  let total = 0
  let finished = 0
  const live = io.isTty
  const redraw = () => {
    if (!live) return
    const names = [...running.entries()].map(([n, s]) => (s ? `${n} ${s}` : n)).join(', ')
    io.stderr(`\x1b[2K\r[${finished}/${total}] ${names}`.slice(0, process.stderr.columns ?? 160))
  }
  const onEvent = (event: RunEvent) => {
    switch (event.type) {
      case 'plan':
        total = event.actions.length
        break
      case 'action-start':
        running.set(event.name, '')
        redraw()
        break
      case 'batch':
        running.set(event.name, `${event.done}/${event.total} batches`)
        if (live) redraw()
        else
          io.stderr(
            `  ${event.name}: ${event.interval.start}..${event.interval.end} ${event.rows} rows (${event.done}/${event.total})\n`,
          )
        break
      case 'action-end':
        running.delete(event.result.name)
        finished++
        if (live) io.stderr('\x1b[2K\r')
        io.stderr(`${formatActionLine(event.result)}\n`)
        redraw()
        break
    }
  }
  return { onEvent, done: () => live && io.stderr('\x1b[2K\r') }
}

export function formatActionLine(result: ActionResult): string {
  const mark = result.status === 'succeeded' ? 'ok  ' : result.status === 'failed' ? 'FAIL' : 'skip'
  const rows = result.rowsWritten !== null ? ` ${result.rowsWritten} rows` : ''
  const days = result.intervals.length ? ` ${result.intervals[0]?.start}..${result.intervals.at(-1)?.end}` : ''
  const warnings = result.checks.filter((c) => !c.passed).length
  const tail = result.error
    ? `: ${result.error.message}`
    : result.skippedBecause
      ? ` (${result.skippedBecause === '--dry-run' ? 'dry run' : `because ${result.skippedBecause} failed`})`
      : ''
  const checks = result.checks.length
    ? ` checks ${result.checks.filter((c) => c.passed).length}/${result.checks.length} passed${warnings ? `, ${warnings} failed` : ''}`
    : ''
  return `${mark} ${result.name} [${result.kind}] ${(result.durationMs / 1000).toFixed(1)}s${rows}${days}${checks}${tail}`
}

import type { RunEvent, ActionResult } from '../runner/result.js'
import type { CliIo } from './cli-context.js'

interface Running {
  readonly startedAt: number
  batch: number
  batches: number
  rows: number
}

/** Remaining time of an action from its pace so far ('' until a batch is done). */
export function formatEta(startedAt: number, done: number, total: number, now: number): string {
  if (done <= 0 || total <= done) return ''
  const seconds = Math.round((((now - startedAt) / done) * (total - done)) / 1000)
  return ` ETA ${seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`}`
}

/**
 * Progress of long work. On a terminal: a live block, one line per running action with its batch i/n,
 * rows and ETA, redrawn in place above the finished actions' lines. In CI and logs: a line per batch
 * (with the action's ETA) and a line per finished action.
 */
export function createProgress(
  io: CliIo,
  now: () => number = Date.now,
): { onEvent: (event: RunEvent) => void; done: () => void } {
  const running = new Map<string, Running>()
  let total = 0
  let finished = 0
  let drawn = 0
  const live = io.isTty
  const width = process.stderr.columns ?? 160
  const clear = () => {
    // Move up over the block drawn last time and erase it.
    if (drawn > 0) io.stderr(`\x1b[${drawn}A\x1b[0J`)
    drawn = 0
  }
  const redraw = () => {
    if (!live) return
    clear()
    const lines = [...running.entries()].map(([name, r]) =>
      `  ${name}${r.batches ? ` batch ${r.batch}/${r.batches}, ${r.rows} rows${formatEta(r.startedAt, r.batch, r.batches, now())}` : ' …'}`.slice(
        0,
        width - 1,
      ),
    )
    lines.push(`[${finished}/${total} actions]`)
    io.stderr(`${lines.join('\n')}\n`)
    drawn = lines.length
  }
  const onEvent = (event: RunEvent) => {
    switch (event.type) {
      case 'plan':
        total = event.actions.length
        break
      case 'action-start':
        running.set(event.name, { startedAt: now(), batch: 0, batches: 0, rows: 0 })
        redraw()
        break
      case 'batch': {
        const r = running.get(event.name) ?? { startedAt: now(), batch: 0, batches: 0, rows: 0 }
        r.batch = event.done
        r.batches = event.total
        r.rows += event.rows
        running.set(event.name, r)
        if (live) redraw()
        else
          io.stderr(
            `  ${event.name}: ${event.interval.start}..${event.interval.end} ${event.rows} rows (batch ${event.done}/${event.total}${formatEta(r.startedAt, event.done, event.total, now())})\n`,
          )
        break
      }
      case 'action-end':
        running.delete(event.result.name)
        finished++
        if (live) clear()
        io.stderr(`${formatActionLine(event.result)}\n`)
        redraw()
        break
    }
  }
  return { onEvent, done: () => live && clear() }
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
      : result.upToDate
        ? ' up to date (inputs unchanged since its checks passed)'
        : ''
  const checks = result.checks.length
    ? ` checks ${result.checks.filter((c) => c.passed).length}/${result.checks.length} passed${warnings ? `, ${warnings} failed` : ''}`
    : ''
  return `${mark} ${result.name} [${result.kind}] ${(result.durationMs / 1000).toFixed(1)}s${rows}${days}${checks}${tail}`
}

import type { BytesEstimate } from '../runner/estimate.js'

/** Bytes in binary units, e.g. `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? String(value) : value.toFixed(1)} ${units[unit]}`
}

/** A dry run's bytes per action and in total, and the budget when there is one. */
export function formatEstimate(estimate: BytesEstimate, budget: number | undefined): string {
  const lines = ['', 'estimated bytes processed (BigQuery dry-run jobs):']
  const width = Math.max(6, ...estimate.actions.map((a) => a.action.length))
  for (const a of estimate.actions)
    lines.push(
      `  ${a.action.padEnd(width)}  ${a.bytes === null ? `not estimated: ${a.note ?? ''}` : formatBytes(a.bytes)}`,
    )
  lines.push(
    `  ${'total'.padEnd(width)}  ${formatBytes(estimate.total)}${budget !== undefined ? ` (budget ${formatBytes(budget)})` : ''}`,
  )
  return `${lines.join('\n')}\n`
}

/**
 * The refusal of a dry run whose estimated total is over the budget (`--max-bytes`, else the project's
 * `maximumBytesBilled`): the message for stderr, or null when it fits or there is no budget.
 */
export function overBudgetMessage(
  command: 'run' | 'backfill',
  estimate: BytesEstimate | undefined,
  budget: number | undefined,
): string | null {
  if (!estimate || budget === undefined || estimate.total <= budget) return null
  const narrow = command === 'run' ? '--actions or --from/--to' : '--actions or a shorter --from/--to'
  return `error [over-budget]: the ${command} would process ${formatBytes(estimate.total)} (dry-run estimate), over the budget of ${formatBytes(budget)}; narrow it with ${narrow}, or raise --max-bytes\n`
}

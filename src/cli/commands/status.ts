import { Command } from 'commander'
import { z } from 'zod'
import { join } from 'node:path'
import type { RunFile } from '../../runner/progress-file.js'
import { collectStatus } from '../../runner/status.js'
import type { PipelineStatus } from '../../runner/status.js'
import type { CliContext } from '../cli-context.js'
import { EXIT } from '../cli-context.js'
import { handle, printJson } from '../command-kit.js'
import { intFlag, parseFlags } from '../flag-schemas.js'
import type { ExitHolder } from '../command-kit.js'

/** Most runs `status --limit` lists. */
export const MAX_STATUS_LIMIT = 1000

const statusFlags = z.strictObject({ limit: intFlag(1, MAX_STATUS_LIMIT, '--limit 20') })

export function statusCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('status')
    .description(
      'from another terminal: the running command (action, batch i/n, rows, ETA), last runs, missing and unverified intervals, pending migrations',
    )
    .option('--limit <n>', `how many of the last runs to list (1 to ${MAX_STATUS_LIMIT})`, '10')
  return command.action(
    handle<Record<string, unknown>>(command, context, exit, async (raw, globals) => {
      const flags = parseFlags(statusFlags, raw)
      const graph = await context.compile(globals)
      const status = await collectStatus({
        runsDir: join(globals.root, '.pipeline', 'runs'),
        root: globals.root,
        graph,
        openReadOnly: () => context.openAdapter(globals, { readOnly: true }),
        today: context.now().toISOString().slice(0, 10),
        limit: flags.limit ?? 10,
      })
      if (globals.json) printJson(context, status)
      else context.io.stdout(formatStatus(status, context.now()))
      return EXIT.ok
    }),
  )
}

/** The status as an operator reads it: what runs now, what ran, what is missing or forced, what is pending. */
export function formatStatus(status: PipelineStatus, now: Date): string {
  const lines: string[] = []
  if (status.running.length === 0) lines.push('running: nothing')
  for (const run of status.running) lines.push(...runningLines(run, now))
  lines.push(
    status.warehouse.state === 'read'
      ? 'warehouse: read (read-only)'
      : `warehouse: ${status.warehouse.state}${status.warehouse.message ? `: ${status.warehouse.message}` : ''}`,
  )
  lines.push('last runs:')
  if (status.recent.length === 0) lines.push('  none')
  for (const r of status.recent)
    lines.push(
      `  ${r.startedAt.slice(0, 19).replace('T', ' ')}  ${r.command.padEnd(8)} ${r.mode.padEnd(8)} ${String(r.status).padEnd(11)} build ${r.buildCommitSha.slice(0, 12).padEnd(12)} ${r.runId}${r.skipAssertions ? `  FORCED (--skip-assertions: ${r.reason ?? 'no reason'})` : ''}`,
    )
  if (status.unverified) {
    lines.push(
      status.unverified.length
        ? `unverified intervals (written with --skip-assertions; re-checked by every run until they pass or are rebuilt): ${status.unverified.length}`
        : 'unverified intervals: none',
    )
    for (const u of status.unverified)
      lines.push(
        `  ${u.action} ${u.interval.start}..${u.interval.end} by run ${u.runId} (build ${u.buildCommitSha.slice(0, 12)}): ${u.reason ?? 'no reason recorded'}`,
      )
  }
  if (status.missing) {
    lines.push(status.missing.length ? 'missing intervals (a plain run builds them):' : 'missing intervals: none')
    for (const m of status.missing)
      lines.push(
        `  ${m.action}: ${m.days} day(s) ${m.intervals
          .slice(0, 4)
          .map((i) => `${i.start}..${i.end}`)
          .join(', ')}${m.intervals.length > 4 ? ', …' : ''}`,
      )
  }
  if (status.pendingMigrations)
    lines.push(
      status.pendingMigrations.length
        ? `migrations pending: ${status.pendingMigrations.join(', ')} (npm run pipeline -- migrate up)`
        : 'migrations: none pending',
    )
  for (const p of status.migrationProblems ?? []) lines.push(`  migration problem: ${p}`)
  return `${lines.join('\n')}\n`
}

function runningLines(run: RunFile, now: Date): string[] {
  const p = run.progress
  const elapsed = formatDuration(now.getTime() - Date.parse(run.startedAt))
  const lines = [
    `running: ${run.command} ${run.runId} (pid ${run.pid} on ${run.host}, ${run.mode}, build ${run.buildCommitSha.slice(0, 12)}) for ${elapsed}`,
  ]
  if (p.step) lines.push(`  ${p.step}`)
  for (const a of p.running)
    lines.push(
      `  ${a.name}${a.batches ? ` batch ${a.batch}/${a.batches}` : ''}${a.interval ? ` (last ${a.interval.start}..${a.interval.end})` : ''}, ${a.rows} rows`,
    )
  const eta = p.eta ? `, ETA ${p.eta.slice(11, 19)} UTC (in ${formatDuration(Date.parse(p.eta) - now.getTime())})` : ''
  lines.push(
    `  actions ${p.actions.done}/${p.actions.total}, batches ${p.units.done}/${p.units.total}, ${p.rows} rows so far${eta}${p.failed.length ? `; failed: ${p.failed.join(', ')}` : ''}`,
  )
  return lines
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

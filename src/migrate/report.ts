import type { ApplyResult, MigrationPlan, MigrationStatusReport } from './migrator.js'
import { pad } from './discover.js'
import { short } from './status.js'
import type { VerifyReport } from './verify.js'

/** Text renderings for the CLI; pure (the CLI prints them). */

export function formatStatus(report: MigrationStatusReport): string {
  const lines = report.entries.map((e) => {
    const when = e.appliedAt ?? ''
    return `  ${pad(e.version)}  ${e.state.padEnd(11)}  ${when.padEnd(24)}  ${short(e.checksum ?? e.appliedChecksum ?? '').padEnd(12)}  ${e.name}`
  })
  const problems = report.entries.filter((e) => e.problem).map((e) => `  ! ${e.problem}`)
  const count = (state: string) => report.entries.filter((e) => e.state === state).length
  const summary = `${count('applied')} applied, ${count('pending')} pending${report.entries.length - count('applied') - count('pending') ? `, ${report.entries.length - count('applied') - count('pending')} need attention` : ''}`
  const hint = count('pending') && problems.length === 0 ? '\napply them with: npm run pipeline -- migrate up' : ''
  if (report.entries.length === 0) return 'no migrations in migrations/\n'
  return `${[...lines, ...problems].join('\n')}\n${summary}${hint}\n`
}

export function formatPlan(plan: MigrationPlan): string {
  if (plan.migrations.length === 0) return `-- nothing to apply on ${plan.engine}: every migration is applied\n`
  const header = plan.usedLedger
    ? `-- ${plan.migrations.length} pending migration(s), SQL for ${plan.engine}`
    : `-- every migration (the ledger was not read), SQL for ${plan.engine}`
  const blocks = plan.migrations.map((m) =>
    [
      `-- ${m.name}: ${m.description}`,
      `-- ${m.file}, sha256 ${m.checksum}`,
      ...m.statements.map((s) => `${s.sql};`),
    ].join('\n'),
  )
  return `${header}\n\n${blocks.join('\n\n')}\n`
}

export function formatApply(result: ApplyResult): string {
  const lines = result.applied.map((m) => `applied ${m.name} (${m.statements} statement(s), ${m.durationMs} ms)`)
  const remaining = result.remaining ? `; ${result.remaining} left pending (--to)` : ''
  if (result.applied.length === 0)
    return `nothing to apply: ${result.alreadyApplied} migration(s) already applied${remaining}\n`
  return `${lines.join('\n')}\n${result.applied.length} migration(s) applied, ${result.alreadyApplied} were already applied${remaining}\n`
}

export function formatVerify(report: VerifyReport, contractsFound: boolean): string {
  const lines: string[] = []
  for (const e of report.migrations) {
    if (e.state !== 'applied') lines.push(`FAIL migration ${e.name}: ${e.state}${e.problem ? ` — ${e.problem}` : ''}`)
  }
  if (lines.length === 0) lines.push(`ok   ${report.migrations.length} migration(s) applied, checksums match`)
  if (!contractsFound)
    lines.push('note: no includes/contracts.ts exporting PERSISTENT_TABLES; only checksums were verified')
  for (const t of report.tables) {
    lines.push(`${t.ok ? 'ok  ' : 'FAIL'} ${t.target.dataset}.${t.target.name}`)
    for (const p of t.problems) lines.push(`       ${p}`)
  }
  lines.push(report.ok ? 'verify passed' : 'verify failed')
  return `${lines.join('\n')}\n`
}

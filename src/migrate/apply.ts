import { AdapterError } from '../core/errors.js'
import type { Adapter, Statement } from '../engines/adapter.js'
import type { MigrationFile } from './discover.js'
import type { ApplyStamp, Ledger } from './ledger.js'
import type { MigrationStatement } from './migration-context.js'
import { MigrationFailedError } from './migration-errors.js'

/** What one applied migration did. */
export interface AppliedMigration {
  readonly version: number
  readonly name: string
  readonly file: string
  readonly statements: number
  readonly durationMs: number
}

interface ApplyParts {
  readonly adapter: Adapter
  readonly ledger: Ledger
  readonly file: MigrationFile
  readonly statements: readonly MigrationStatement[]
  readonly stamp: ApplyStamp
}

/**
 * Apply one migration and record it. With transactional DDL the statements and the ledger row
 * commit together (a crash leaves neither). Without it, a `running` row is written first and
 * marked `applied` after the last statement, so a crash in between shows on the next run.
 */
export async function applyMigration(parts: ApplyParts): Promise<AppliedMigration> {
  const started = performance.now()
  if (parts.adapter.dialect.capabilities.supportsTransactionalDdl) await applyInTransaction(parts)
  else await applyStepwise(parts, started)
  const durationMs = Math.round(performance.now() - started)
  // The duration is known only after the commit; it is informational, so a separate update is fine.
  const finish = parts.ledger.finish(parts.file.version, { status: 'applied', durationMs })
  await parts.adapter.execute(finish.sql, finish)
  return {
    version: parts.file.version,
    name: parts.file.name,
    file: parts.file.file,
    statements: parts.statements.length,
    durationMs,
  }
}

async function applyInTransaction(parts: ApplyParts): Promise<void> {
  const { adapter, ledger, file, statements, stamp } = parts
  try {
    await adapter.transaction([
      ...statements.map((s) => ({ sql: s.sql, label: `${file.name}: ${s.label}` })),
      ledger.insert(file, 'applied', stamp),
    ])
  } catch (error) {
    throw new MigrationFailedError(
      file.file,
      `${file.file} failed and was rolled back (nothing of it was kept): ${reason(error)}\nFix the migration (it was never applied, so editing it is fine) and run "pipeline migrate up" again`,
      error,
    )
  }
}

async function applyStepwise(parts: ApplyParts, started: number): Promise<void> {
  const { adapter, ledger, file, statements, stamp } = parts
  const insert = ledger.insert(file, 'running', stamp)
  await adapter.execute(insert.sql, insert)
  for (const [index, statement] of statements.entries()) {
    try {
      await adapter.execute(statement.sql, { label: `${file.name}: ${statement.label}` })
    } catch (error) {
      const message = `statement ${index + 1} of ${statements.length} (${statement.label}) failed: ${reason(error)}`
      const failed = ledger.finish(file.version, {
        status: 'failed',
        durationMs: performance.now() - started,
        errorMessage: message,
      })
      // Marking the row failed may fail too (same outage); say so rather than claim the ledger says "failed".
      const markError = await executeOrError(adapter, failed)
      const kept =
        index === 0
          ? 'No statement of it was applied'
          : `Statements 1–${index} were applied and stay applied (this engine has no transactional DDL)`
      const recorded =
        markError === null
          ? 'the ledger marks the migration failed'
          : `marking it failed in the ledger failed too (${reason(markError)}), so the ledger still shows it running`
      throw new MigrationFailedError(
        file.file,
        `${file.file}: ${message}\n${kept}; ${recorded}. Run "pipeline migrate status" for how to resolve it`,
        error,
      )
    }
  }
}

/** Run a statement; the error it raised, or null. */
async function executeOrError(adapter: Adapter, statement: Statement): Promise<unknown> {
  try {
    await adapter.execute(statement.sql, statement)
    return null
  } catch (error) {
    return error
  }
}

function reason(error: unknown): string {
  if (error instanceof AdapterError) return error.message
  return error instanceof Error ? error.message : String(error)
}

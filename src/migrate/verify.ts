import type { Adapter, LiveColumn } from '../engines/adapter.js'
import type { ColumnSpec, TableOptions, Target } from '../engines/dialect.js'
import { compareColumns } from '../engines/column-contract.js'
import { migrationStatus } from './migrator.js'
import type { MigrateOptions } from './migrator.js'
import type { MigrationStatusEntry } from './status.js'

/** The columns contract of a table whose schema migrations own (persistent history). */
export interface TableContract extends TableOptions {
  readonly target: Target
  /** Every column, in the order the migrations leave them; `nullable: false` is enforced by writers. */
  readonly columns: readonly ColumnSpec[]
}

export interface TableVerification {
  readonly target: Target
  readonly ok: boolean
  /** One readable line per difference: missing, extra or mistyped columns, NOT NULL mismatches, a missing table. */
  readonly problems: readonly string[]
}

export interface VerifyReport {
  readonly ok: boolean
  readonly migrations: readonly MigrationStatusEntry[]
  readonly tables: readonly TableVerification[]
}

/**
 * Checksums of applied migrations, then every contract against the live table: names and exact
 * types (BigQuery spelling). Nullability is compared only where the DDL sets it: a live NOT NULL
 * column must be NOT NULL in the contract; a contract NOT NULL column may be nullable in the
 * warehouse, because columns added to tables with rows can only be nullable and writers enforce it.
 */
export async function verifyMigrations(
  adapter: Adapter,
  options: MigrateOptions & { contracts: readonly TableContract[] },
): Promise<VerifyReport> {
  const status = await migrationStatus(adapter, options)
  const tables: TableVerification[] = []
  for (const contract of options.contracts) {
    const live = await adapter.describeTable(contract.target)
    const problems =
      live === null
        ? [`table ${describe(contract.target)} does not exist; run "pipeline migrate up"`]
        : compareContract(live, contract.columns)
    tables.push({ target: contract.target, ok: problems.length === 0, problems })
  }
  return { ok: status.current && tables.every((t) => t.ok), migrations: status.entries, tables }
}

/** Differences between a live table and its contract (strict types; NOT NULL where the warehouse enforces it). */
export function compareContract(live: readonly LiveColumn[], contract: readonly ColumnSpec[]): string[] {
  const problems = compareColumns(live, contract, { strictTypes: true })
  const declared = new Map(contract.map((c) => [c.name, c]))
  for (const column of live) {
    const spec = declared.get(column.name)
    if (spec && !column.nullable && spec.nullable !== false) {
      problems.push(`column "${column.name}" is NOT NULL in the warehouse, the contract says nullable`)
    }
  }
  return problems
}

function describe(target: Target): string {
  return `${target.dataset}.${target.name}`
}

import type { CompiledAction } from '../compiler/compiled.js'
import { ConfigError } from '../core/errors.js'
import type { Adapter, LiveLayout } from '../engines/adapter.js'
import { tableLayout } from './staging.js'

/**
 * Incremental tables whose partitioning or clustering in the definition no longer matches the live table.
 * BigQuery cannot change either in place, and an incremental table keeps its rows from run to run, so the
 * run is refused, saying how to rebuild the table. A full refresh drops and recreates it, so it is not
 * checked; rebuilt (`table`) actions are dropped before their copy when needed (BigQueryAdapter.copyTable).
 */
export async function refuseLayoutChanges(
  actions: readonly CompiledAction[],
  adapter: Adapter,
  options: { readonly fullRefresh: boolean },
): Promise<void> {
  if (!adapter.describeLayout || options.fullRefresh) return
  const problems: string[] = []
  for (const action of actions) {
    if (action.kind !== 'incremental') continue
    const live = await adapter.describeLayout(action.target)
    if (!live) continue
    const layout = tableLayout(action)
    const wanted: LiveLayout = { partitionBy: layout.partitionBy ?? null, clusterBy: layout.clusterBy ?? [] }
    if (describe(live) === describe(wanted)) continue
    const protect = action.definition.kind === 'incremental' && action.definition.protected
    problems.push(
      `Action "${action.name}" (${action.file}): table ${adapter.dialect.formatTarget(action.target)} is ${describe(live)}, the definition asks ${describe(wanted)}; BigQuery cannot change a table's partitioning or clustering in place: ${
        protect
          ? 'it is protected, so add a migration that creates the new table and copies its rows, or restore the definition'
          : `rebuild it with "pipeline run --full-refresh --actions ${action.name}" (drops and recreates it), or restore the definition`
      }`,
    )
  }
  if (problems.length) throw new ConfigError(problems.join('\n'), { code: 'layout-changed' })
}

function describe(layout: LiveLayout): string {
  const partition = layout.partitionBy ? `partitioned by ${layout.partitionBy.toLowerCase()}` : 'not partitioned'
  const cluster = layout.clusterBy.length
    ? `clustered by ${layout.clusterBy.map((c) => c.toLowerCase()).join(', ')}`
    : 'not clustered'
  return `${partition}, ${cluster}`
}

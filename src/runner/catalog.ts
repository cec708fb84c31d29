import type { CompiledAction } from '../compiler/compiled.js'
import type {
  Adapter,
  LiveColumn,
  LiveLayout,
  LiveRelation,
  Row,
  Statement,
  StatementOptions,
} from '../engines/adapter.js'
import { relationKey } from '../engines/adapter.js'
import type { Target } from '../engines/dialect.js'

/**
 * The warehouse catalogue as a run read it once, while planning: whether each relation of the graph and
 * of the state dataset exists, its columns and (BigQuery) its layout, in one read (DuckDB: one query over
 * duckdb_columns(); BigQuery: tables.get per table, in parallel). `adapter` answers tableExists,
 * describeTable and describeLayout from it; everything else, and every relation it was not asked about
 * (staging tables), goes to the warehouse. A relation the run may have changed since is read live again:
 * the state dataset after its upgrade, an action's own relation once the action starts, and everything
 * once an operation or an action with hooks starts (free SQL may write any table).
 */
export class Catalog {
  readonly #known: Map<string, LiveRelation | null>
  readonly #live: Adapter
  /** The warehouse, with its introspection answered from the snapshot where it holds the relation. */
  readonly adapter: Adapter

  private constructor(live: Adapter, known: Map<string, LiveRelation | null>) {
    this.#live = live
    this.#known = known
    this.adapter = this.#view()
  }

  /** Read the catalogue for `targets` (an engine without `describeRelations` gets an empty snapshot: all live). */
  static async read(adapter: Adapter, targets: readonly Target[]): Promise<Catalog> {
    const known = adapter.describeRelations ? await adapter.describeRelations(targets) : new Map()
    return new Catalog(adapter, known)
  }

  /** Forget what was read of the relations of a dataset (after the run's own DDL there). */
  forgetDataset(dataset: string): void {
    for (const key of [...this.#known.keys()]) if (key.startsWith(`${dataset}.`)) this.#known.delete(key)
  }

  /** An action starts: what it may write is read live from now on. */
  willRun(action: CompiledAction): void {
    const hasHooks = Object.values(action.sql.hooks ?? {}).some((statements) => statements.length > 0)
    if (action.kind === 'operation' || hasHooks) this.#known.clear()
    // A declaration and an assertion only read.
    else if (action.kind !== 'declaration' && action.target) this.#known.delete(relationKey(action.target))
  }

  #view(): Adapter {
    const live = this.#live
    const known = (target: Target) => this.#known.get(relationKey(target))
    const describeLayout = live.describeLayout?.bind(live)
    const describeRelations = live.describeRelations?.bind(live)
    return {
      engine: live.engine,
      dialect: live.dialect,
      execute: (sql: string, options?: StatementOptions) => live.execute(sql, options),
      query: <T extends Row = Row>(sql: string, options?: StatementOptions) => live.query<T>(sql, options),
      transaction: (statements: readonly Statement[]) => live.transaction(statements),
      copyTable: (from: Target, to: Target, options?: StatementOptions) => live.copyTable(from, to, options),
      estimateBytes: (sql: string, options?: StatementOptions) => live.estimateBytes(sql, options),
      describeQuery: (sql: string, options?: StatementOptions) => live.describeQuery(sql, options),
      close: () => live.close(),
      tableExists: async (target: Target): Promise<boolean> => {
        const found = known(target)
        return found === undefined ? live.tableExists(target) : found !== null
      },
      describeTable: async (target: Target): Promise<LiveColumn[] | null> => {
        const found = known(target)
        return found === undefined ? live.describeTable(target) : found && [...found.columns]
      },
      ...(describeLayout
        ? {
            describeLayout: async (target: Target): Promise<LiveLayout | null> => {
              const found = known(target)
              if (found === null) return null
              return found?.layout ?? describeLayout(target)
            },
          }
        : {}),
      ...(describeRelations ? { describeRelations } : {}),
    }
  }
}

/** What a run asks the catalogue about: every relation of the graph and the state dataset's tables. */
export function catalogTargets(actions: readonly CompiledAction[], stateTables: readonly Target[]): Target[] {
  const targets = [...actions.flatMap((a) => (a.target ? [a.target] : [])), ...stateTables]
  return [...new Map(targets.map((t) => [relationKey(t), t])).values()]
}

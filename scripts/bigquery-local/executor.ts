import type { DuckDBMaterializedResult } from '@duckdb/node-api'
import { analyzeStatement } from './analyze.js'
import type { StatementInfo } from './analyze.js'
import type { Catalog } from './catalog.js'
import { applyCatalogEffects, checkReferences, optionValues } from './catalog-effects.js'
import { multiMatchQuery } from './dml-checks.js'
import { invalidQuery } from './errors.js'
import { informationSchemaSql } from './information-schema.js'
import { MULTI_MATCH_MESSAGE, checkDdlInTransaction, checkPartitionFilters, checkReplaceLayout } from './rules.js'
import type { AnyNode } from './sql-tree.js'
import { parseBigQuery } from './sql-tree.js'
import type { QueryParameter, TranslateContext } from './translate.js'
import { translateStatement } from './translate.js'
import type { FieldSchema } from './types.js'
import { fieldFromDuck } from './types.js'
import type { ResultSet } from './values.js'
import { readResult } from './values.js'
import type { Warehouse } from './warehouse.js'
import { sqlString } from './warehouse.js'

type Run = (sql: string) => Promise<DuckDBMaterializedResult>

export interface QueryRequest {
  readonly query: string
  readonly params: readonly QueryParameter[]
  readonly dryRun: boolean
}

export interface QueryOutcome {
  readonly statementType: string
  readonly result?: ResultSet
  /** Set for a single DML statement; a script's parent job has none (as on BigQuery). */
  readonly numDmlAffectedRows?: number
  readonly totalBytesProcessed: number
  /** A dry run's SELECT schema. */
  readonly schema?: FieldSchema[]
  readonly childJobs: number
  /** Tables the job wrote, `dataset.table` (for fault messages). */
  readonly written: readonly string[]
}

const STATEMENT_TYPES: Record<string, string> = {
  query: 'SELECT',
  insert: 'INSERT',
  update: 'UPDATE',
  delete: 'DELETE',
  merge: 'MERGE',
  create_view: 'CREATE_VIEW',
  drop_table: 'DROP_TABLE',
  drop_view: 'DROP_VIEW',
  create_schema: 'CREATE_SCHEMA',
  drop_schema: 'DROP_SCHEMA',
  alter_table: 'ALTER_TABLE',
  truncate: 'TRUNCATE_TABLE',
  begin: 'BEGIN_TRANSACTION',
  commit: 'COMMIT_TRANSACTION',
  rollback: 'ROLLBACK_TRANSACTION',
}

function statementType(info: StatementInfo): string {
  if (info.kind === 'create_table') return info.hasQuery ? 'CREATE_TABLE_AS_SELECT' : 'CREATE_TABLE'
  return STATEMENT_TYPES[info.kind] ?? 'SCRIPT'
}

interface ScriptState {
  inTransaction: boolean
  readonly localNames: Set<string>
  result?: ResultSet
  affected: number
  bytes: number
  schema?: FieldSchema[]
  readonly written: Set<string>
}

/** Runs a job's SQL (one statement or a script) on DuckDB under BigQuery's rules. */
export class Executor {
  readonly #warehouse: Warehouse
  readonly #catalog: Catalog

  constructor(warehouse: Warehouse, catalog: Catalog) {
    this.#warehouse = warehouse
    this.#catalog = catalog
  }

  async run(request: QueryRequest): Promise<QueryOutcome> {
    const program = parseBigQuery(request.query)
    const statements = (program.statements as AnyNode[]).filter((s) => s.type !== 'empty')
    if (statements.length === 0) throw invalidQuery('Syntax error: Unexpected end of script')
    return this.#warehouse.exclusive(async (run) => {
      for (const drop of this.#catalog.sweepExpired()) await run(drop)
      const state: ScriptState = {
        inTransaction: false,
        localNames: new Set(),
        affected: 0,
        bytes: 0,
        written: new Set(),
      }
      const infos: StatementInfo[] = []
      try {
        for (const node of statements) infos.push(await this.#statement(node, request, state, run))
        if (state.inTransaction) throw invalidQuery('Transaction was not committed before the end of the script')
      } catch (error) {
        if (state.inTransaction) await run('ROLLBACK').catch(() => undefined)
        throw error
      }
      const single = infos.length === 1 ? infos[0] : undefined
      return {
        statementType: single ? statementType(single) : 'SCRIPT',
        ...(state.result ? { result: state.result } : {}),
        ...(single && ['insert', 'update', 'delete', 'merge'].includes(single.kind)
          ? { numDmlAffectedRows: state.affected }
          : {}),
        totalBytesProcessed: state.bytes,
        ...(state.schema ? { schema: state.schema } : {}),
        childJobs: single ? 0 : infos.length,
        written: [...state.written],
      }
    })
  }

  async #statement(node: AnyNode, request: QueryRequest, state: ScriptState, run: Run): Promise<StatementInfo> {
    const info = analyzeStatement(node, request.query, state.localNames)
    checkReferences(info, this.#catalog)
    checkDdlInTransaction(info, state.inTransaction)
    checkPartitionFilters(info, this.#catalog)
    const target = info.refs.find((r) => r.role === 'create')
    checkReplaceLayout(info, target ? this.#catalog.table(target.dataset, target.table) : undefined)
    const ctx = await this.#context(info, request, run)
    const sqls = translateStatement(info, ctx)
    state.bytes += await estimateBytes(info, run)
    if (request.dryRun) {
      await dryValidate(info, sqls, state, run)
      return info
    }
    await this.#checkMultiMatch(info, ctx, run)
    const options = await optionValues(info, ctx, run)
    for (const sql of sqls) {
      const result = await run(sql)
      if (info.kind === 'query') state.result = await readResult(result)
      else if (['insert', 'update', 'delete', 'merge'].includes(info.kind)) state.affected += result.rowsChanged
    }
    if (info.kind === 'begin') state.inTransaction = true
    if (info.kind === 'commit' || info.kind === 'rollback') state.inTransaction = false
    if (info.kind === 'create_table' && info.temporary) state.localNames.add(info.refs[0]?.table.toLowerCase() ?? '')
    for (const ref of info.refs) if (ref.role !== 'read') state.written.add(`${ref.dataset}.${ref.table}`)
    applyCatalogEffects(info, this.#catalog, options)
    return info
  }

  async #context(info: StatementInfo, request: QueryRequest, run: Run): Promise<TranslateContext> {
    const informationSchema = new Map<string, string>()
    for (const ref of info.refs) {
      if (!ref.informationSchema) continue
      const sql = await informationSchemaSql(run, this.#catalog, ref.dataset, ref.informationSchema)
      informationSchema.set(`${ref.dataset}:${ref.informationSchema}`, sql)
    }
    const params = new Map(request.params.map((p) => [p.name.toLowerCase(), p]))
    return { catalog: this.#catalog, params, informationSchema }
  }

  async #checkMultiMatch(info: StatementInfo, ctx: TranslateContext, run: Run): Promise<void> {
    const check = multiMatchQuery(info)
    if (!check) return
    const checkNode = (parseBigQuery(check).statements as AnyNode[])[0] as AnyNode
    const checkInfo = analyzeStatement(checkNode, check, new Set())
    const [sql] = translateStatement(checkInfo, ctx)
    const rows = await (await run(sql as string)).getRows()
    if (rows.length > 0) throw invalidQuery(MULTI_MATCH_MESSAGE)
  }
}

/** A dry run binds a lone statement in DuckDB (DESCRIBE / EXPLAIN) without running it. */
async function dryValidate(info: StatementInfo, sqls: string[], state: ScriptState, run: Run): Promise<void> {
  const [sql] = sqls
  if (!sql) return
  if (info.kind === 'query') {
    const rows = (await (await run(`DESCRIBE ${sql}`)).getRowObjectsJS()) as {
      column_name: string
      column_type: string
    }[]
    state.schema = rows.map((r) => fieldFromDuck(r.column_name, r.column_type))
  } else if (['insert', 'update', 'delete', 'merge'].includes(info.kind)) await run(`EXPLAIN ${sql}`)
}

/** Rows × columns × 8 bytes for every permanent table read: a stand-in for BigQuery's bytes processed. */
async function estimateBytes(info: StatementInfo, run: Run): Promise<number> {
  let bytes = 0
  for (const ref of info.refs) {
    if ((ref.role !== 'read' && ref.role !== 'write') || ref.informationSchema) continue
    const result = await run(
      `SELECT estimated_size, column_count FROM duckdb_tables() WHERE schema_name = ${sqlString(ref.dataset)} AND table_name = ${sqlString(ref.table)}`,
    )
    const [row] = (await result.getRowObjectsJS()) as { estimated_size: bigint; column_count: bigint }[]
    if (row) bytes += Number(row.estimated_size) * Number(row.column_count) * 8
  }
  return bytes
}

import type { DateInterval } from '../core/dates.js'
import type { CompiledAction } from '../compiler/compiled.js'
import type { ParamValue, Statement } from '../engines/adapter.js'
import type { ColumnSpec, Target } from '../engines/dialect.js'
import type { CheckStatement } from './check-statements.js'
import type { RenderedCheck } from './evaluate-checks.js'

/** What a statement is for, so a profile can say where the time went. */
export type StepRole = 'setup' | 'stage' | 'check' | 'write' | 'hook' | 'state' | 'introspection'

interface StepBase {
  readonly role: StepRole
  /** One line for plans and progress, e.g. 'stage 2026-01-09..2026-01-10'. */
  readonly label: string
}

/** A statement run on its own. */
export interface ExecuteStep extends StepBase {
  readonly kind: 'execute'
  readonly sql: string
  /** Dropping the staging table: skipped when a batch stops part-way, so the failed dates' rows stay for inspection. */
  readonly isCleanup?: boolean
  /** Writes only a connection-private table (session staging): not queued behind the warehouse's writes. */
  readonly privateWrite?: boolean
}

/** Statements committed together; the engine appends the interval record when `records` is set. */
export interface TransactionStep extends StepBase {
  readonly kind: 'transaction'
  readonly statements: readonly Statement[]
  /** Record this interval as done in the same transaction, with the rows the batch wrote. */
  readonly records?: DateInterval
}

/** Compare a relation's live columns with a contract (and, for sources, that it exists). */
export interface DescribeStep extends StepBase {
  readonly kind: 'describe'
  readonly target: Target
  readonly columns: readonly ColumnSpec[] | null
  /** 'source': the table must exist and hold the columns; 'contract': the output must match them exactly. */
  readonly mode: 'source' | 'contract'
}

/**
 * Checks over the same relation and parameters (an audit's, or a standalone assertion's): their summary
 * queries sent together, as one statement per CheckStatement; a failing error-severity partition blocks
 * at the next gate. A failed check's sample query is sent after the summaries.
 */
export interface ChecksStep extends StepBase {
  readonly kind: 'checks'
  readonly checks: readonly RenderedCheck[]
  readonly statements: readonly CheckStatement[]
}

/** Fail the batch if any error-severity check since the last gate failed; nothing after it runs. */
export interface GateStep extends StepBase {
  readonly kind: 'gate'
  /** Where the checks looked, for the failure message. */
  readonly where: string
  /**
   * On an incremental batch: when every blocking failure is on a date partition and the first such date D
   * is after the batch start, the dates before D (whose checks passed) are published and recorded done,
   * and the batch stops at D. `trimSql`, bound with @interval_start = D, removes the staged rows from D on;
   * the steps after the gate then run with @interval_end = D, and the rows from D on are staged again for
   * inspection. Absent, one failing date blocks the whole batch.
   */
  readonly publishBefore?: { readonly trimSql: string }
}

/** A query returning one row with `n`; n > 0 fails the batch. */
export interface VerifyStep extends StepBase {
  readonly kind: 'verify'
  /** Error code of the failure, e.g. 'rows-outside-interval'. */
  readonly code: string
  readonly sql: string
  readonly failure: (n: number) => string
}

/** Count the rows the batch will write (reported, and recorded with the interval). */
export interface CountStep extends StepBase {
  readonly kind: 'count'
  readonly sql: string
}

/** Copy a table over another (BigQuery: a copy job, WRITE_TRUNCATE), atomically, without scanning it again. */
export interface CopyStep extends StepBase {
  readonly kind: 'copy'
  readonly from: Target
  readonly to: Target
}

export type Step =
  ExecuteStep | TransactionStep | DescribeStep | ChecksStep | GateStep | VerifyStep | CountStep | CopyStep

/** The steps of one batch (an interval of an incremental action, or the whole action), with its parameters. */
export interface BatchPlan {
  readonly interval: DateInterval | null
  readonly params: Readonly<Record<string, ParamValue>>
  readonly steps: readonly Step[]
  /** Run when a step of the batch fails (the action's onFailure hook); @error_message holds the reason. */
  readonly onFailure: readonly Step[]
}

/** Everything one action will send, in order. */
export interface ActionPlan {
  readonly action: CompiledAction
  readonly batches: readonly BatchPlan[]
  /** The dates the action covers in this run (incremental actions). */
  readonly range: DateInterval | null
  /**
   * Set when the action stages in a connection-private table (Dialect.sessionStaging): its statements are
   * sent on one connection, and when a batch fails after staging, `keep` copies the staged rows to the
   * persistent staging table, where they stay for inspection until the action's next run.
   */
  readonly sessionStaging?: {
    readonly keep: readonly Step[]
    /**
     * Set when the next batch may be staged (on its own connection, after its beforeBatch hooks) while
     * this one is audited and published: nothing a publish writes is read by a later batch's stage
     * (interval.independentBatches, or a query that does not read its own table and no hooks). `discard`
     * drops a batch's connection-private staging table once it is published, or when an earlier batch
     * failed and it is never audited (its onFailure hooks then run, if its beforeBatch hooks did).
     */
    readonly overlap?: { readonly discard: readonly Step[] }
  }
}

/** The statements of a step as the adapter receives them (describe steps send none through SQL). */
export function stepStatements(step: Step, params: Readonly<Record<string, ParamValue>>): Statement[] {
  switch (step.kind) {
    case 'execute':
    case 'verify':
    case 'count':
      return [{ sql: step.sql, params }]
    case 'checks':
      return step.statements.map((s) => ({ sql: s.sql, params }))
    case 'transaction':
      return [...step.statements]
    case 'describe':
    case 'gate':
    case 'copy':
      return []
  }
}

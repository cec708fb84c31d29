import { z } from 'zod'
import { isIsoDate } from '../core/dates.js'
import { duplicateCheckNames, inlineAssertionsSchema } from '../assertions/inline.js'
import { isCheckDefinition } from '../assertions/types.js'
import type { CheckDefinition } from '../assertions/types.js'
import type { OperationFn, QueryFn } from './context.js'

export const snakeName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'use snake_case: a lower-case letter, then letters, digits or _')
/**
 * Names DuckDB resolves as catalogs or system schemas before a dataset: `"temp"."x"` is a connection's
 * TEMP table (where DuckDB stages batches), `"system"."x"` DuckDB's own catalog.
 */
export const RESERVED_DATASETS = ['temp', 'system', 'information_schema', 'pg_catalog'] as const
const datasetName = snakeName.superRefine((name, ctx) => {
  if ((RESERVED_DATASETS as readonly string[]).includes(name))
    ctx.addIssue({
      code: 'custom',
      message: `"${name}" is reserved on DuckDB (${RESERVED_DATASETS.join(', ')}): choose another dataset name, e.g. "${name}_data"`,
    })
})
const columnName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'use a snake_case column name')
const isoDate = z.string().refine(isIsoDate, 'use a date as YYYY-MM-DD')
const queryFn = z.custom<QueryFn>((v) => typeof v === 'function', 'must be a function (ctx) => sql`...`')
const operationFn = z.custom<OperationFn>(
  (v) => typeof v === 'function',
  'must be a function (ctx) => sql`...` or an array of them',
)
const checkDefinition = z.custom<CheckDefinition>(
  isCheckDefinition,
  'must be a check from checks.* (e.g. checks.zeroShare({ ... }))',
)

/** An assertion is either a query, or a target with built-in checks. */
function checkAssertionForm(
  config: {
    query?: unknown
    target?: string | undefined
    checks?: readonly (CheckDefinition | readonly CheckDefinition[])[] | undefined
  },
  ctx: z.RefinementCtx,
): void {
  if ((config.query === undefined) === (config.target === undefined))
    ctx.addIssue({ code: 'custom', message: 'give either query, or target with checks' })
  if ((config.target === undefined) !== (config.checks === undefined))
    ctx.addIssue({ code: 'custom', message: 'target and checks go together' })
  for (const name of duplicateCheckNames(config.checks?.flat() ?? []))
    ctx.addIssue({
      code: 'custom',
      path: ['checks'],
      message: `two checks are named "${name}"; give one of them a different name`,
    })
}

export const columnSpecSchema = z.strictObject({
  name: columnName,
  type: z.string().min(1),
  nullable: z.boolean().optional(),
  description: z.string().optional(),
})

const common = {
  name: snakeName,
  dataset: datasetName.optional(),
  description: z.string().optional(),
  tags: z.array(z.string().min(1)).default([]),
  /** Extra dependencies besides the refs found in SQL. */
  dependencies: z.array(snakeName).default([]),
  disabled: z.boolean().default(false),
}

const layout = {
  partitionBy: columnName.optional(),
  clusterBy: z.array(columnName).max(4).optional(),
}

/** Tracking columns the engine fills from the run: column name → run value. */
export const trackingSchema = z.record(
  columnName,
  z.enum(['runId', 'buildCommitSha', 'deploymentRevision', 'mode', 'startedAt']),
)

export const writeSchema = z.discriminatedUnion('strategy', [
  z.strictObject({ strategy: z.literal('replace_interval') }),
  z.strictObject({ strategy: z.literal('merge'), uniqueKey: z.array(columnName).nonempty() }),
  z.strictObject({ strategy: z.literal('append') }),
  /**
   * Insert new rows with an engine-generated id and retire the active row of the same key
   * (is_active = false, superseded = true, superseded_at, superseded_reason, superseded_by) in one
   * transaction; nothing is deleted. A staged row equal to the active row on `compareColumns` is dropped,
   * so re-running unchanged code on unchanged inputs changes nothing.
   */
  z.strictObject({
    strategy: z.literal('supersede'),
    key: z.array(columnName).nonempty(),
    idColumn: columnName,
    compareColumns: z.array(columnName).nonempty(),
  }),
])

/** SQL run by the engine around each batch of an incremental action (e.g. an execution log). */
export const hooksSchema = z.strictObject({
  /** Before the batch is staged. */
  beforeBatch: operationFn.optional(),
  /** Inside the publish transaction, after the rows are written. */
  afterBatch: operationFn.optional(),
  /** When the batch fails (query error or failed audit); @error_message holds the reason. */
  onFailure: operationFn.optional(),
})

export const intervalSchema = z.strictObject({
  /** Date column the action is incremental on. */
  column: columnName,
  /** First date the action covers. */
  start: isoDate,
  /** Days per batch (one statement set per batch). Default 31. */
  batchDays: z.number().int().positive().max(3660).default(31),
  /** Upstream actions whose data bounds the last date to build; default: every upstream with an interval. */
  until: z.array(snakeName).optional(),
  /**
   * Recorded dates to rebuild anyway, for inputs that arrive late (a box score a day after its game):
   * on a run that is neither a restate nor a full refresh, `query` runs over the last `days` dates
   * of the run's range (ctx.interval.start/end are that window; no other run parameter is bound)
   * and returns the dates to rebuild in a column named like the interval column. It runs only once
   * the target exists, so its refs must exist by then too.
   */
  reopen: z.strictObject({ days: z.number().int().positive().max(366), query: queryFn }).optional(),
  /**
   * The author's promise that a batch never sees another: the query reads this table (ctx.self()) only
   * within the batch's dates, and the hooks touch only the batch's dates. Where batches stage in
   * connection-private tables (DuckDB), the next batch is then staged (its beforeBatch hooks first)
   * while this one is audited and published. Without it, batches overlap only when the query does not
   * read this table and there are no hooks.
   */
  independentBatches: z.boolean().optional(),
})

export const declarationSchema = z.strictObject({
  ...common,
  dataset: datasetName,
  /** Date column that says which dates the source holds (bounds downstream intervals). */
  interval: z.strictObject({ column: columnName }).optional(),
  columns: z.array(columnSpecSchema).optional(),
})

export const tableSchema = z.strictObject({
  ...common,
  ...layout,
  query: queryFn,
  columns: z.array(columnSpecSchema).optional(),
  assertions: inlineAssertionsSchema.optional(),
})

export const viewSchema = z.strictObject({ ...common, query: queryFn, columns: z.array(columnSpecSchema).optional() })

export const incrementalSchema = z
  .strictObject({
    ...common,
    ...layout,
    interval: intervalSchema,
    write: writeSchema,
    query: queryFn,
    columns: z.array(columnSpecSchema).optional(),
    tracking: trackingSchema.default({}),
    hooks: hooksSchema.optional(),
    /** Refuse --full-refresh: the table holds history that cannot be rebuilt. */
    protected: z.boolean().default(false),
    assertions: inlineAssertionsSchema.optional(),
  })
  .superRefine((config, ctx) => {
    // A merge updates and inserts named columns: the contract names them before the first row exists.
    if (config.write.strategy === 'merge' && !config.columns)
      ctx.addIssue({
        code: 'custom',
        path: ['columns'],
        message: 'a merge write needs a columns contract (the columns it updates and inserts)',
      })
  })

export const assertionSchema = z
  .strictObject({
    ...common,
    severity: z.enum(['error', 'warn']).default('error'),
    /**
     * A monitor only reads (hit-rate floors and streaks, coverage): it runs even when an upstream action
     * failed and under --skip-assertions, reporting on what the tables hold. Default false.
     */
    monitor: z.boolean().default(false),
    /**
     * The value the offending rows carry and the alert condition the query applies, so messages say
     * 'hit rate 0.493 < 0.55 on 2026-01-10' instead of a row count.
     */
    observe: z
      .strictObject({
        column: columnName,
        label: z.string().min(1),
        op: z.enum(['<', '<=', '>', '>=']),
        threshold: z.number(),
      })
      .optional(),
    /** A query selecting offending rows; or give `target` and `checks` instead. */
    query: queryFn.optional(),
    /** Column of the query's output naming the partition of each offending row; with `target`, the column checks run per. */
    partitionColumn: columnName.optional(),
    /** Action whose dependents are blocked when this fails; default: `target`, else the last ref. */
    guards: snakeName.optional(),
    /** Action whose table `checks` read (built-in checks from `checks.*`). */
    target: snakeName.optional(),
    checks: z
      .array(
        z.union([checkDefinition, z.array(checkDefinition)], {
          error: 'must be a check from checks.* (e.g. checks.zeroShare({ ... })) or a list of them',
        }),
      )
      .nonempty()
      .optional(),
  })
  .superRefine(checkAssertionForm)

export const operationSchema = z.strictObject({
  ...common,
  queries: operationFn,
  /** The operation creates a table named after it that others may ref. */
  hasOutput: z.boolean().default(false),
})

export const projectSchema = z.strictObject({
  /**
   * The project's name: the `app` label of every BigQuery job and the heading of CLI output. Lower case letters,
   * digits, - and _ (a valid BigQuery label value). Default 'pipeline'.
   */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/, 'use lower case letters, digits, - and _, starting with a letter')
    .max(63)
    .default('pipeline'),
  defaultDataset: datasetName.default('analytics'),
  stateDataset: datasetName.default('pipeline_state'),
  vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Actions run at once. Default 4. */
  concurrency: z.number().int().positive().max(64).default(4),
  /** A report (includes/reports.ts) `pipeline start` prints after the run, with an optional grouping. */
  summaryReport: z.strictObject({ name: z.string().min(1), by: z.string().optional() }).optional(),
  /** Module (relative to the project root) exporting `seed(connection, options)` for `pipeline seed`. */
  seedModule: z.string().optional(),
  /** How BigQuery jobs are sent (ignored by DuckDB). */
  bigquery: z
    .strictObject({
      /** A job that would bill more bytes fails instead; `run --max-bytes` overrides it, and a dry run's total is checked against it. */
      maximumBytesBilled: z.number().int().positive().optional(),
      /** BigQuery cancels a job that runs longer than this. */
      jobTimeoutMs: z.number().int().positive().optional(),
      /** Every job id starts with it (default `pipeline_`): letters, digits, _ and -. */
      jobPrefix: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,100}$/, 'use letters, digits, _ and -')
        .optional(),
    })
    .optional(),
})

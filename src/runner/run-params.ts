import { createHash } from 'node:crypto'
import { RUN_PARAM_NAMES } from '../compiler/context.js'
import type { ParamValue } from '../engines/adapter.js'
import type { RunInfo } from './run-info.js'

/** The run's values as query parameters (tracking columns, ctx.run in definitions). */
export function runParams(run: RunInfo): Record<string, ParamValue> {
  return {
    [RUN_PARAM_NAMES.id]: run.id,
    [RUN_PARAM_NAMES.buildCommitSha]: run.buildCommitSha,
    [RUN_PARAM_NAMES.deploymentRevision]: run.deploymentRevision,
    [RUN_PARAM_NAMES.mode]: run.mode,
    [RUN_PARAM_NAMES.startedAt]: run.startedAt,
  }
}

/** Short sha256 of an action's SQL, recorded with each action run. */
export function hashSql(text: string | undefined): string | null {
  return text === undefined ? null : createHash('sha256').update(text).digest('hex').slice(0, 16)
}

import type { BytesEstimate } from './estimate.js'
import type { PlanJson } from './plan-json.js'
import type { RecheckResult, UnverifiedReport } from './recheck.js'
import type { DateInterval } from '../core/dates.js'
import type { Severity } from '../assertions/types.js'
import type { RunProfile } from './profile.js'

export type ActionStatus = 'succeeded' | 'failed' | 'skipped'

/** The outcome of one check on one partition. */
export interface CheckResult {
  readonly assertion: string
  readonly action: string
  readonly builtin: string
  readonly severity: Severity
  readonly partition: string | null
  readonly observed: number | null
  readonly threshold: string
  readonly rowCount: number
  readonly passed: boolean
  readonly skipped: boolean
  /** e.g. 'ml_feature_store_v2.usage_spike_score_zero_share failed on 2026-01-09: 1.00 of 412 rows are 0 (max 0.50)'. */
  readonly message: string
  readonly sample: readonly Record<string, unknown>[]
}

export interface ActionResult {
  readonly name: string
  readonly kind: string
  readonly status: ActionStatus
  readonly durationMs: number
  readonly rowsWritten: number | null
  /** Date intervals processed (incremental actions). */
  readonly intervals: readonly DateInterval[]
  readonly error?: { readonly code: string; readonly message: string }
  /** The upstream action whose failure skipped this one. */
  readonly skippedBecause?: string
  readonly checks: readonly CheckResult[]
  readonly sqlHash: string | null
  /** Problems beside the outcome that must not vanish (e.g. a failing onFailure hook). */
  readonly warnings?: readonly string[]
  /** A standalone assertion's checks and inputs, recorded when every check passed (see up-to-date.ts). */
  readonly inputsHash?: string
  /** Not evaluated: its checks and inputs are those of an earlier evaluation that passed every check. */
  readonly upToDate?: boolean
}

export interface RunResult {
  readonly ok: boolean
  readonly runId: string
  readonly buildCommitSha: string
  readonly deploymentRevision: string
  readonly mode: string
  readonly startedAt: string
  readonly finishedAt: string
  readonly skipAssertions: boolean
  readonly dryRun: boolean
  readonly actions: readonly ActionResult[]
  /** Intervals written with --skip-assertions whose checks still fail after this run's re-check. */
  readonly unverified?: readonly UnverifiedReport[]
  /** Unverified intervals whose checks passed in this run's re-check (now verified). */
  readonly reverified?: RecheckResult['verified']
  /** With --dry-run where scans are billed by bytes (BigQuery): what each action would scan, from dry-run jobs. */
  readonly estimate?: BytesEstimate
  /** With --dry-run: every statement the run would send, per action and batch. */
  readonly plan?: readonly PlanJson[]
  /** With --profile: every statement's hash, kind, duration and rows, and where the time went. */
  readonly profile?: RunProfile
  /** Runs left 'running' by a process that died, which this run recorded as 'interrupted'. */
  readonly interruptedRuns?: readonly string[]
}

/** Progress events for live and CI output. */
export type RunEvent =
  | {
      readonly type: 'plan'
      readonly actions: readonly { name: string; kind: string; intervals: readonly DateInterval[] }[]
    }
  | { readonly type: 'action-start'; readonly name: string }
  | {
      readonly type: 'batch'
      readonly name: string
      readonly interval: DateInterval
      readonly done: number
      readonly total: number
      readonly rows: number
    }
  | { readonly type: 'action-end'; readonly result: ActionResult }
  /** Something went wrong beside the action's own outcome (e.g. a failure hook that failed too). */
  | { readonly type: 'warning'; readonly name: string; readonly message: string }

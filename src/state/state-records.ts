import type { DateInterval } from '../core/dates.js'

/** A row of pipeline_state.runs as the runner starts it. */
export interface RunRecord {
  readonly runId: string
  readonly command: string
  readonly mode: string
  readonly status: string
  readonly startedAt: string
  readonly finishedAt?: string | null
  readonly buildCommitSha: string
  readonly deploymentRevision: string
  readonly engine: string
  readonly selection?: string | null
  readonly fromDate?: string | null
  readonly toDate?: string | null
  readonly skipAssertions: boolean
  readonly reason?: string | null
  readonly counts?: { succeeded: number; failed: number; skipped: number }
  /** Process running it; default this process (recorded to tell a killed run from a running one). */
  readonly pid?: number | null
  /** Host running it; default this host. */
  readonly host?: string | null
}

export interface ActionRunRecord {
  readonly runId: string
  readonly action: string
  readonly kind: string
  readonly status: string
  readonly startedAt: string | null
  readonly finishedAt: string | null
  readonly durationMs: number
  readonly rowsWritten: number | null
  readonly interval: DateInterval | null
  readonly sqlHash: string | null
  readonly buildCommitSha: string
  readonly errorCode: string | null
  readonly errorMessage: string | null
  readonly skippedBecause: string | null
  /** A standalone assertion's checks and inputs, when all its checks passed (see `inputs_hash`). */
  readonly inputsHash?: string | null
}

export interface AssertionResultRecord {
  readonly runId: string
  readonly assertion: string
  readonly action: string | null
  readonly builtin: string
  readonly partition: string | null
  readonly observed: number | null
  readonly threshold: string
  readonly rowCount: number
  readonly severity: string
  readonly passed: boolean
  readonly skipped: boolean
  readonly message: string
  /** JSON text of a few offending rows, or null. */
  readonly sample: string | null
  readonly buildCommitSha: string
  readonly evaluatedAt: string
}

/** The run that completed an interval. */
export interface IntervalRun {
  readonly runId: string
  readonly buildCommitSha: string
  readonly mode: string
}

/** A finished run's identity, for deploy-before-backfill checks. */
export interface LastRun {
  readonly runId: string
  readonly buildCommitSha: string
  readonly startedAt: string
}

/** A backfill that started and never succeeded (killed or failed), as the deploy gate names it. */
export interface UnfinishedBackfill {
  readonly runId: string
  readonly buildCommitSha: string
  readonly fromDate: string
  readonly toDate: string
  /** The run's selection as recorded (JSON: actions, includeDependents). */
  readonly selection: string | null
  readonly status: string
}

/** A row of pipeline_state.runs as `status` shows it. */
export interface RecentRun {
  readonly runId: string
  readonly command: string
  readonly mode: string
  readonly status: string
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly buildCommitSha: string
  readonly skipAssertions: boolean
  readonly reason: string | null
  readonly pid: number | null
  readonly host: string | null
}

/** An interval written with --skip-assertions whose checks have not passed since. */
export interface UnverifiedInterval {
  readonly action: string
  readonly interval: DateInterval
  readonly runId: string
  readonly buildCommitSha: string
  /** The reason the forcing run gave. */
  readonly reason: string | null
}

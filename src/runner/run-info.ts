import { randomUUID } from 'node:crypto'
import { resolveBuildCommitSha, resolveDeploymentRevision } from '../build/build-info.js'
import type { RunMode } from '../compiler/context.js'

/** Who is writing: stamped on every persistent row and state record. */
export interface RunInfo {
  readonly id: string
  readonly buildCommitSha: string
  readonly deploymentRevision: string
  readonly mode: RunMode
  /** ISO timestamp, UTC. */
  readonly startedAt: string
}

export function createRunInfo(options: {
  root: string
  mode?: RunMode
  env?: NodeJS.ProcessEnv
  now?: Date
  id?: string
}): RunInfo {
  const env = options.env ?? process.env
  return {
    id: options.id ?? randomUUID(),
    buildCommitSha: resolveBuildCommitSha(options.root, env),
    deploymentRevision: resolveDeploymentRevision(env),
    mode: options.mode ?? 'daily',
    startedAt: (options.now ?? new Date()).toISOString(),
  }
}

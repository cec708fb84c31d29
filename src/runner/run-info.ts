import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
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

function git(cwd: string, args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

/** HEAD's SHA with `-dirty` when the tree has uncommitted changes; `BUILD_COMMIT_SHA` overrides; 'unknown' outside git. */
export function resolveBuildCommitSha(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env.BUILD_COMMIT_SHA?.trim()
  if (override) return override
  const head = git(root, ['rev-parse', 'HEAD'])
  if (!head) return 'unknown'
  const status = git(root, ['status', '--porcelain', '--untracked-files=normal'])
  return status ? `${head}-dirty` : head
}

export function resolveDeploymentRevision(env: NodeJS.ProcessEnv = process.env): string {
  return env.PIPELINE_DEPLOYMENT_REVISION?.trim() || env.K_REVISION?.trim() || 'local'
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

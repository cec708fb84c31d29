import { execFileSync } from 'node:child_process'

/**
 * Which build is running: the commit (from git, or BUILD_COMMIT_SHA where the deploy sets it) and the
 * deployment revision. Shared by the runner (stamped on every run and row) and migrate (stamped on
 * every ledger row); it asks git, so it is I/O and lives apart from the pure core.
 */

function git(cwd: string, args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

/** The build commit of a project outside git with no BUILD_COMMIT_SHA: its rows cannot name their code. */
export const UNKNOWN_BUILD_COMMIT = 'unknown'

/** HEAD's SHA with `-dirty` when the tree has uncommitted changes; `BUILD_COMMIT_SHA` overrides; 'unknown' outside git. */
export function resolveBuildCommitSha(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env.BUILD_COMMIT_SHA?.trim()
  if (override) return override
  const head = git(root, ['rev-parse', 'HEAD'])
  if (!head) return UNKNOWN_BUILD_COMMIT
  const status = git(root, ['status', '--porcelain', '--untracked-files=normal'])
  return status ? `${head}-dirty` : head
}

/** `PIPELINE_DEPLOYMENT_REVISION`, else Cloud Run's `K_REVISION`, else 'local'. */
export function resolveDeploymentRevision(env: NodeJS.ProcessEnv = process.env): string {
  return env.PIPELINE_DEPLOYMENT_REVISION?.trim() || env.K_REVISION?.trim() || 'local'
}

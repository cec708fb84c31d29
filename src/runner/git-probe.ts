import { execFileSync } from 'node:child_process'

/** What the backfill preflight asks git; injectable so tests need no repository states. */
export interface GitProbe {
  /** No uncommitted changes (untracked files included). */
  isClean(): boolean
  /** HEAD contains the commit (HEAD is it or descends from it). */
  contains(sha: string): boolean
}

export function createGitProbe(root: string): GitProbe {
  const git = (args: readonly string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  return {
    isClean: () => {
      try {
        return git(['status', '--porcelain', '--untracked-files=normal']).trim() === ''
      } catch {
        return false
      }
    },
    contains: (sha) => {
      if (!/^[0-9a-f]{4,40}$/i.test(sha)) return false
      try {
        git(['merge-base', '--is-ancestor', sha, 'HEAD'])
        return true
      } catch {
        return false
      }
    },
  }
}

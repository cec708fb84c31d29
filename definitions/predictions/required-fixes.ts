/**
 * A-19b (DOMAIN §7.2, I-19): the fix commits a prediction must have been written by code that
 * contains. A fix is registered for player_prop_predictions and a range of game dates; at compile
 * time the allowed builds are computed from git (the fix and every commit of the repository that
 * descends from it), and the prediction audit refuses, before publish, any row of the range whose
 * build_commit_sha is not one of them: a daily run or a backfill from a checkout without the fix
 * stops at its root (the build), not at the symptom the old code leaves (A-19a).
 *
 * The sample's history needs no fix yet, so the registry is empty and the check holds trivially;
 * the I-19 replay registers one in a real git repository (test/incidents/incident-i19.test.ts).
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface RequiredFix {
  /** The fix commit (full or abbreviated SHA). */
  readonly fix: string
  /** First game date whose predictions must come from a build containing the fix. */
  readonly from: string
  /** Last such date (inclusive); open-ended when left out. */
  readonly to?: string
  /** Why the fix is required (the incident), shown nowhere in SQL. */
  readonly reason: string
}

/** Fixes the predictions of a date range require. Add one with the fix commit when a code bug is fixed. */
export const REQUIRED_FIXES: readonly RequiredFix[] = []

/** Any directory inside the project's repository (this module's, or the bundle of it under .pipeline/cache). */
const PROJECT_DIR = fileURLToPath(new URL('.', import.meta.url))

function git(gitDir: string, args: readonly string[]): string {
  try {
    return execFileSync('git', ['-C', gitDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? String(error)
    throw new Error(`A-19b: git ${args.join(' ')} failed in ${gitDir}: ${stderr}`, { cause: error })
  }
}

/** The fix and every commit of the repository (all refs) that descends from it, as full SHAs. */
export function buildsContaining(fix: string, gitDir: string = PROJECT_DIR): string[] {
  if (!/^[0-9a-f]{7,40}$/.test(fix))
    throw new Error(`A-19b: required fix "${fix}" is not a commit sha; give 7 to 40 hex digits in REQUIRED_FIXES`)
  const full = git(gitDir, ['rev-parse', '--verify', `${fix}^{commit}`])
  const descendants = git(gitDir, ['rev-list', '--ancestry-path', '--all', `^${full}`])
  return [full, ...descendants.split('\n').filter((line) => line.length > 0)]
}

const SHA = /^[0-9a-f]{40}$/

/**
 * The A-19b condition over a prediction row: outside every fix's range, or written by a build that
 * contains the fix. TRUE when nothing is registered.
 */
export function requiredFixCondition(fixes: readonly RequiredFix[], gitDir: string = PROJECT_DIR): string {
  const terms = fixes.map((fix) => {
    const allowed = buildsContaining(fix.fix, gitDir).filter((sha) => SHA.test(sha))
    const outside = [`game_date < DATE '${fix.from}'`, ...(fix.to ? [`game_date > DATE '${fix.to}'`] : [])]
    return `(${[...outside, `build_commit_sha IN (${allowed.map((sha) => `'${sha}'`).join(', ')})`].join(' OR ')})`
  })
  return terms.length ? terms.join(' AND ') : 'TRUE'
}

/**
 * Labels on warehouse jobs (BigQuery job labels): who ran what, so cost and failures can be traced
 * back to a run. BigQuery's rules: keys and values use lower-case letters, digits, _ and -, at most
 * 63 characters; a key starts with a letter. Engines without job labels ignore them.
 */
export type JobLabels = Readonly<Record<string, string>>

const MAX_LENGTH = 63

/** A label value: lower case letters, digits, _ and -, at most 63 characters. */
export function sanitizeLabel(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, MAX_LENGTH)
}

/** A label key: a label value that starts with a letter (`l_` is prefixed otherwise). */
export function sanitizeLabelKey(key: string): string {
  const value = sanitizeLabel(key)
  return /^[a-z]/.test(value) ? value : sanitizeLabel(`l_${value}`)
}

/** Every key and value sanitised; a later key that sanitises to an earlier one wins. */
export function sanitizeLabels(labels: JobLabels): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(labels)) out[sanitizeLabelKey(key)] = sanitizeLabel(value)
  return out
}

/** What the labels of a command's jobs say: the project, the command, and the run it belongs to. */
export interface RunLabelsInput {
  /** The project's name (project settings `name`): the `app` label. */
  readonly app: string
  /** The CLI command, e.g. run, backfill, assert, start. */
  readonly command: string
  readonly run: { readonly id: string; readonly buildCommitSha: string; readonly mode: string }
}

/** Labels for every job of one run: app, command, run_id, build_commit_sha, mode (sanitised). */
export function runLabels(input: RunLabelsInput): Record<string, string> {
  return sanitizeLabels({
    app: input.app,
    command: input.command,
    run_id: input.run.id,
    build_commit_sha: input.run.buildCommitSha,
    mode: input.run.mode,
  })
}

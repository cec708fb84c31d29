/** Root of every error the engine raises on purpose. `code` is kebab-case and stable. */
export class PipelineError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** Bad configuration or bad command-line input: exit code 2. */
export class ConfigError extends PipelineError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'config-invalid', message, options)
  }
}

/** One problem found while compiling; compile collects them all instead of stopping. */
export interface CompileIssue {
  readonly code: string
  readonly message: string
  readonly file?: string
  readonly action?: string
}

/** Compile found problems: carries every issue, not only the first. */
export class CompileError extends PipelineError {
  readonly issues: readonly CompileIssue[]
  constructor(issues: readonly CompileIssue[]) {
    super('compile-failed', `${issues.length} compile problem(s):\n${issues.map(formatIssue).join('\n')}`)
    this.issues = issues
  }
}

/** A failure while talking to a warehouse engine. */
export class AdapterError extends PipelineError {
  readonly engine: string
  readonly statement: string
  readonly jobId?: string
  constructor(engine: string, statement: string, cause: unknown, jobId?: string) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super('adapter-failed', `${engine}: ${reason}\n  in statement: ${excerpt(statement)}`, { cause })
    this.engine = engine
    this.statement = statement
    if (jobId !== undefined) this.jobId = jobId
  }
}

export function formatIssue(issue: CompileIssue): string {
  const where = issue.action
    ? `Action "${issue.action}"${issue.file ? ` (${issue.file})` : ''}: `
    : issue.file
      ? `${issue.file}: `
      : ''
  return `${where}${issue.message}`
}

export function excerpt(statement: string, max = 240): string {
  const flat = statement.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

import { isIsoDate } from '../core/dates.js'
import { didYouMean } from '../core/did-you-mean.js'
import { ConfigError } from '../core/errors.js'
import type { ParamValue } from '../engines/adapter.js'
import { acceptsString } from './define-report.js'
import type { ReportDefinition, ReportParam } from './define-report.js'

/** Longest accepted command-line value: a parameter is an id or a number, not a document. */
const MAX_VALUE_LENGTH = 200

/** The command-line flag of a parameter: `minEdge` → `--min-edge`. */
export function paramFlag(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
}

/** The bound SQL parameter of a declared parameter: `minEdge` → `report_min_edge`. */
export function paramSqlName(name: string): string {
  return `report_${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`
}

/** The declared parameter a flag or `--param` name stands for: camelCase or kebab-case; undefined if none. */
function declaredName(report: ReportDefinition, given: string): string | undefined {
  return Object.keys(report.params).find((name) => name === given || paramFlag(name) === `--${given}`)
}

/**
 * Typed values of every declared parameter: the command-line text checked against the declaration
 * (type, values, pattern), else the default, else null. Throws ConfigError naming the report, the
 * flag and what it accepts; an undeclared name gets a did-you-mean and the list of parameters.
 */
export function resolveReportParams(
  report: ReportDefinition,
  given: Readonly<Record<string, string>> = {},
): Record<string, ParamValue> {
  const values: Record<string, ParamValue> = {}
  for (const [raw, text] of Object.entries(given)) {
    const name = declaredName(report, raw)
    if (name === undefined) throw unknownParam(report, raw)
    values[name] = parseValue(report, name, report.params[name] as ReportParam, text)
  }
  for (const [name, spec] of Object.entries(report.params)) if (!(name in values)) values[name] = spec.default ?? null
  return values
}

function unknownParam(report: ReportDefinition, given: string): ConfigError {
  const flags = Object.keys(report.params).map(paramFlag)
  const hint = didYouMean(`--${given}`, [...flags, '--from', '--to', '--by'])
  const known = flags.length ? `its parameters: ${flags.join(', ')}` : 'it declares no parameters'
  return new ConfigError(`Report "${report.name}" has no parameter --${given}${hint}; ${known}`)
}

function parseValue(report: ReportDefinition, name: string, spec: ReportParam, text: string): ParamValue {
  const bad = (expected: string) =>
    new ConfigError(
      `Report "${report.name}": ${paramFlag(name)} "${text.slice(0, MAX_VALUE_LENGTH)}" is not ${expected} (${spec.description})`,
    )
  if (text.length > MAX_VALUE_LENGTH) throw bad(`at most ${MAX_VALUE_LENGTH} characters`)
  switch (spec.type) {
    case 'STRING':
      if (!acceptsString(spec, text))
        throw bad(spec.values ? `one of ${spec.values.join(', ')}` : `a value matching ${String(spec.pattern)}`)
      return text
    case 'DATE':
      if (!isIsoDate(text)) throw bad('a date (YYYY-MM-DD)')
      return text
    case 'INT64':
      if (!/^-?\d{1,15}$/.test(text)) throw bad('an integer')
      return Number(text)
    case 'FLOAT64':
      if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) throw bad('a number')
      return Number(text)
    case 'BOOL':
      if (text !== 'true' && text !== 'false') throw bad('true or false')
      return text === 'true'
  }
}

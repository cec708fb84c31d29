import { parse } from 'sql-parser-cst'

/** Parse BigQuery SQL (scripts too); throws with the parser's message and the statement on a syntax error. */
export function parseBigQuery(text: string): void {
  try {
    parse(text, { dialect: 'bigquery', paramTypes: ['@name'] })
  } catch (error) {
    throw new Error(`BigQuery parser rejected:\n${text}\n\n${(error as Error).message}`, { cause: error })
  }
}

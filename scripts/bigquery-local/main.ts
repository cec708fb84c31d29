/**
 * `npm run bigquery:local [-- --port N] [-- --fault SPEC ...]`: serves the local BigQuery endpoint on
 * 127.0.0.1 until killed (then prints the jobs each command sent, on stderr) and prints the line to export:
 *
 *   BIGQUERY_EMULATOR_HOST=http://127.0.0.1:PORT
 *
 * The scheme is needed: @google-cloud/bigquery 8.x uses the variable verbatim as its base URL.
 * Faults (also BIGQUERY_LOCAL_FAULTS, comma separated): kind[:arg][xN][@match], e.g. `http:503x2`,
 * `lostResponse`, `jobError:backendError`, `concurrentUpdate:serialize@MERGE`, `resultsError`, `pending:3`.
 */
import { parseFaultSpec } from './faults.js'
import { startLocalBigQuery } from './server.js'

function parseArgs(argv: readonly string[]): { port?: number; faults: string[] } {
  const faults = (process.env.BIGQUERY_LOCAL_FAULTS ?? '').split(',').filter((f) => f.trim())
  let port: number | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--port') port = Number(argv[++i])
    else if (arg === '--fault') faults.push(argv[++i] ?? '')
    else throw new Error(`Unknown argument "${arg}"; use --port N and --fault SPEC`)
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
    throw new Error(`--port must be a TCP port number, got "${port}"`)
  return { ...(port !== undefined ? { port } : {}), faults }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const endpoint = await startLocalBigQuery(args.port !== undefined ? { port: args.port } : {})
  for (const spec of args.faults) {
    const { fault, options } = parseFaultSpec(spec)
    endpoint.faults.inject(fault, options)
  }
  process.stdout.write(`BIGQUERY_EMULATOR_HOST=${endpoint.url}\n`)
  // On the way out: the jobs each command sent (its `command` label), for job-count measurements.
  const stop = () => {
    for (const [command, t] of endpoint.jobTally())
      process.stderr.write(
        `jobs from ${command}: ${t.query + t.dryRun + t.copy} (${t.query} query, ${t.dryRun} dry run, ${t.copy} copy)\n`,
      )
    void endpoint.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`bigquery:local: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})

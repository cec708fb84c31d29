/**
 * Seeds a DuckDB database file with the synthetic warehouse.
 * Usage: npx tsx scripts/seed/seed-cli.ts [--db warehouse.duckdb] [--seasons 2] [--seed 42] [--through 2026-01-31]
 */
import { parseArgs } from 'node:util'
import { DuckDBInstance } from '@duckdb/node-api'
import { DEFAULT_SEED_OPTIONS, seedWarehouse } from './index.js'

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      db: { type: 'string', default: 'warehouse.duckdb' },
      seasons: { type: 'string', default: String(DEFAULT_SEED_OPTIONS.seasons) },
      seed: { type: 'string', default: String(DEFAULT_SEED_OPTIONS.seed) },
      through: { type: 'string', default: DEFAULT_SEED_OPTIONS.through },
    },
    strict: true,
  })
  const instance = await DuckDBInstance.create(values.db)
  const connection = await instance.connect()
  try {
    const options = { seasons: Number(values.seasons), seed: Number(values.seed), through: values.through }
    const summary = await seedWarehouse(connection, options, (message) => console.log(message))
    const seconds = (summary.elapsedMs / 1000).toFixed(1)
    console.log(`Seeded ${values.db} (seasons ${summary.seasons.join(', ')}, slate ${summary.scheduledDate ?? 'none'}) in ${seconds} s`)
    return 0
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`Seed failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  },
)

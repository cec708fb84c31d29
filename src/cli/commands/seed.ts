import { Command } from 'commander'
import { join } from 'node:path'
import { z } from 'zod'
import { ConfigError } from '../../core/errors.js'
import { dateFlag, intFlag, parseFlags } from '../flag-schemas.js'
import type { Adapter } from '../../engines/adapter.js'
import type { CompiledGraph } from '../../compiler/compiled.js'
import type { CliContext, GlobalOptions } from '../cli-context.js'
import { EXIT } from '../cli-context.js'
import { handle, printJson } from '../command-kit.js'
import { openWarehouse } from '../open-warehouse.js'
import type { ExitHolder } from '../command-kit.js'
import { importProjectModule } from '../../compiler/project-modules.js'

const seedFlags = z.strictObject({
  seasons: intFlag(1, 10, '--seasons 2'),
  seed: intFlag(0, 2 ** 31 - 1, '--seed 42'),
  through: dateFlag,
})

/** What a project's seed module exports (includes/project.ts `seedModule`). */
export interface SeedModule {
  seedWarehouse(
    connection: unknown,
    options: Partial<{ seasons: number; seed: number; through: string }>,
    onProgress?: (message: string) => void,
  ): Promise<unknown>
}

interface ConnectionProvider {
  withConnection<T>(work: (connection: unknown) => Promise<T>): Promise<T>
}

function hasConnection(adapter: Adapter): adapter is Adapter & ConnectionProvider {
  return typeof (adapter as Partial<ConnectionProvider>).withConnection === 'function'
}

/** Generate the sample sources with the project's seed module (DuckDB only: it generates inside the engine). */
export async function seedSources(
  graph: CompiledGraph,
  adapter: Adapter,
  options: z.output<typeof seedFlags>,
  log: (m: string) => void,
): Promise<unknown> {
  const modulePath = graph.project.seedModule
  if (!modulePath) throw new ConfigError('this project has no seed module; set seedModule in includes/project.ts')
  if (!hasConnection(adapter)) return seedThroughDuckDb(graph, adapter, options, log)
  const module = (await importProjectModule(graph.root, join(graph.root, modulePath))) as Partial<SeedModule>
  if (typeof module.seedWarehouse !== 'function')
    throw new ConfigError(`${modulePath} does not export seedWarehouse(connection, options)`)
  const seed = module.seedWarehouse
  return adapter.withConnection((connection) => seed(connection, options, log))
}

/**
 * An engine the generator cannot run inside (BigQuery): generate the sample in an in-memory DuckDB,
 * then load every declared source table into the engine (created with the generated columns).
 */
async function seedThroughDuckDb(
  graph: CompiledGraph,
  adapter: Adapter,
  options: z.output<typeof seedFlags>,
  log: (m: string) => void,
): Promise<unknown> {
  const { createEngine } = await import('../../engines/create-engine.js')
  const { transferTables } = await import('../../engines/transfer.js')
  const local = (await createEngine({ engine: 'duckdb', warehouse: ':memory:' }, {})).adapter
  try {
    const summary = await seedSources(graph, local, options, log)
    const sources = graph.actions.flatMap((a) => (a.kind === 'declaration' && a.target ? [a.target] : []))
    const loaded = await transferTables(local, adapter, sources, (m) => log(`loaded ${m}`))
    return { generated: summary, loaded }
  } finally {
    await local.close()
  }
}

export function seedCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('seed')
    .description('generate the synthetic sample warehouse sources (deterministic per seed)')
    .option('--seasons <n>', 'number of seasons ending with the one containing --through (default 2)')
    .option('--seed <s>', 'random seed (default 42)')
    .option('--through <date>', 'last date with final box scores (default 2026-01-31)')
  return command.action(
    handle<Record<string, unknown>>(
      command,
      context,
      exit,
      async (flags, globals: GlobalOptions) => {
        const parsed = { data: parseFlags(seedFlags, flags) }
        const graph = await context.compile(globals)
        const adapter = await openWarehouse(context, globals, { command: 'seed' })
        try {
          const summary = await seedSources(graph, adapter, parsed.data, (m) => context.io.stderr(`seed: ${m}\n`))
          if (globals.json) printJson(context, summary)
          else context.io.stdout(`seeded ${globals.warehouse}\n`)
          return EXIT.ok
        } finally {
          await adapter.close()
        }
      },
      { warehouse: 'write' },
    ),
  )
}

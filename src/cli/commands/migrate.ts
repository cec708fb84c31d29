import { Command } from 'commander'
import { z } from 'zod'
import { ConfigError } from '../../core/errors.js'
import type { Adapter } from '../../engines/adapter.js'
import { createDialect } from '../../engines/create-engine.js'
import { discoverMigrations } from '../../migrate/discover.js'
import { applyMigrations, migrationStatus, planMigrations, refuseUnknownTarget } from '../../migrate/migrator.js'
import { loadContracts, resolveStateDataset } from '../../migrate/project-files.js'
import { formatApply, formatPlan, formatStatus, formatVerify } from '../../migrate/report.js'
import { verifyMigrations } from '../../migrate/verify.js'
import { resolveBuildCommitSha } from '../../build/build-info.js'
import type { CliContext, GlobalOptions } from '../cli-context.js'
import { EXIT } from '../cli-context.js'
import { handle, printJson } from '../command-kit.js'
import { openWarehouse } from '../open-warehouse.js'
import { MAX_WAIT_SECONDS, parseFlags, secondsFlag } from '../flag-schemas.js'
import type { ExitHolder } from '../command-kit.js'

interface LockFlags {
  lockTimeout?: string
}

/** `pipeline migrate status | plan | up | verify`. */
export function migrateCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('migrate').description(
    'versioned schema migrations of the persistent tables: status, plan, up, verify',
  )
  for (const sub of [statusCommand, planCommand, upCommand, verifyCommand]) {
    // Subcommands added with addCommand do not inherit these from the program.
    command.addCommand(
      sub(context, exit)
        .exitOverride()
        .configureOutput({ writeOut: (s) => context.io.stdout(s), writeErr: (s) => context.io.stderr(s) })
        .showHelpAfterError('(add --help for usage)'),
    )
  }
  return command
}

function statusCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('status')
    .description('applied, pending, drifted and unfinished migrations')
    .option('--lock-timeout <seconds>', 'wait this long for a warehouse file another process has open', '10')
  return command.action(
    handle<LockFlags>(
      command,
      context,
      exit,
      async (flags, globals) => {
        const stateDataset = await resolveStateDataset(globals.root)
        const report = await withAdapter(context, globals, flags, 'migrate status', (adapter) =>
          migrationStatus(adapter, { root: globals.root, stateDataset }),
        )
        if (globals.json)
          printJson(context, {
            current: report.current,
            pending: report.entries.filter((e) => e.state === 'pending').length,
            migrations: report.entries,
          })
        else context.io.stdout(formatStatus(report))
        return report.entries.some((e) => e.state !== 'applied' && e.state !== 'pending') ? EXIT.failed : EXIT.ok
      },
      { warehouse: 'read' },
    ),
  )
}

function planCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('plan')
    .description('print the SQL each pending migration will run on the chosen engine, without applying')
    .option('--to <n>', 'plan up to and including this migration number')
    .option('--offline', 'do not connect: plan every migration from the engine dialect alone')
  return command.action(
    handle<{ to?: string; offline?: boolean }>(command, context, exit, async (flags, globals) => {
      const to = parseTo(flags.to)
      refuseUnknownTarget(await discoverMigrations(globals.root), to)
      const options = {
        root: globals.root,
        stateDataset: await resolveStateDataset(globals.root),
        ...(to === undefined ? {} : { to }),
      }
      const adapter = flags.offline ? null : await openOrOffline(context, globals)
      const plan = adapter
        ? await closing(adapter, () => planMigrations(adapter, options))
        : await planMigrations(await createDialect(globals.engine, context.env), options)
      if (globals.json) printJson(context, plan)
      else context.io.stdout(formatPlan(plan))
      return EXIT.ok
    }),
  )
}

function upCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('up')
    .description('apply pending migrations in order, under the migration lock')
    .option('--to <n>', 'apply up to and including this migration number')
    .option('--lock-timeout <seconds>', 'wait this long for another migrator (lock row or open warehouse file)', '10')
  return command.action(
    handle<LockFlags & { to?: string }>(
      command,
      context,
      exit,
      async (flags, globals) => {
        const to = parseTo(flags.to)
        const waitMs = lockWaitMs(flags)
        refuseUnknownTarget(await discoverMigrations(globals.root), to)
        const result = await withAdapter(context, globals, { ...flags, write: true }, 'migrate up', async (adapter) =>
          applyMigrations(adapter, {
            root: globals.root,
            stateDataset: await resolveStateDataset(globals.root),
            ...(to === undefined ? {} : { to }),
            buildCommitSha: resolveBuildCommitSha(globals.root, context.env),
            lock: { waitMs },
            onEvent: (e) => {
              if (e.type === 'applying') context.io.stderr(`applying ${e.name} …\n`)
            },
          }),
        )
        if (globals.json) printJson(context, result)
        else context.io.stdout(formatApply(result))
        return EXIT.ok
      },
      { warehouse: 'write' },
    ),
  )
}

function verifyCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('verify')
    .description(
      'check applied checksums and every persistent table against its columns contract (includes/contracts.ts)',
    )
    .option('--lock-timeout <seconds>', 'wait this long for a warehouse file another process has open', '10')
  return command.action(
    handle<LockFlags>(
      command,
      context,
      exit,
      async (flags, globals) => {
        const contracts = await loadContracts(globals.root)
        const stateDataset = await resolveStateDataset(globals.root)
        const report = await withAdapter(context, globals, flags, 'migrate verify', (adapter) =>
          verifyMigrations(adapter, { root: globals.root, stateDataset, contracts: contracts ?? [] }),
        )
        if (globals.json) printJson(context, report)
        else context.io.stdout(formatVerify(report, contracts !== null))
        return report.ok ? EXIT.ok : EXIT.failed
      },
      { warehouse: 'read' },
    ),
  )
}

function parseTo(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1)
    throw new ConfigError(`--to "${value}" is not a migration number; use e.g. --to 2 or --to 0002`)
  return Number(value)
}

function lockWaitMs(flags: LockFlags): number {
  const lockFlags = z.strictObject({ lockTimeout: secondsFlag(MAX_WAIT_SECONDS, '--lock-timeout 10') })
  return Math.round((parseFlags(lockFlags, { lockTimeout: flags.lockTimeout ?? '10' }).lockTimeout ?? 10) * 1000)
}

async function closing<T>(adapter: Adapter, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } finally {
    await adapter.close()
  }
}

async function withAdapter<T>(
  context: CliContext,
  globals: GlobalOptions,
  flags: LockFlags & { write?: boolean },
  command: string,
  work: (adapter: Adapter) => Promise<T>,
): Promise<T> {
  const adapter = await openWarehouse(context, globals, {
    command,
    readOnly: !flags.write,
    defaultWaitSeconds: lockWaitMs(flags) / 1000,
  })
  return closing(adapter, () => work(adapter))
}

/** Connect when the engine is configured; otherwise plan offline (every migration), saying why on stderr. */
async function openOrOffline(context: CliContext, globals: GlobalOptions): Promise<Adapter | null> {
  try {
    return await openWarehouse(context, globals, { command: 'migrate plan', readOnly: true })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    context.io.stderr(
      `note: no ${globals.engine} connection (${error.message.split('\n')[0]}); planning every migration from the dialect alone\n`,
    )
    return null
  }
}

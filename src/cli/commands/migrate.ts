import { Command } from 'commander'
import { ConfigError } from '../../core/errors.js'
import type { Adapter } from '../../engines/adapter.js'
import { createDialect } from '../../engines/create-engine.js'
import { MigrationLockError } from '../../migrate/migration-errors.js'
import { applyMigrations, migrationStatus, planMigrations } from '../../migrate/migrator.js'
import { loadContracts, resolveStateDataset } from '../../migrate/project-files.js'
import { formatApply, formatPlan, formatStatus, formatVerify } from '../../migrate/report.js'
import { verifyMigrations } from '../../migrate/verify.js'
import { resolveBuildCommitSha } from '../../build/build-info.js'
import type { CliContext, GlobalOptions } from '../cli-context.js'
import { EXIT } from '../cli-context.js'
import { handle, printJson } from '../command-kit.js'
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
    handle<LockFlags>(command, context, exit, async (flags, globals) => {
      const stateDataset = await resolveStateDataset(globals.root)
      const report = await withAdapter(context, globals, flags, (adapter) =>
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
    }),
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
    handle<LockFlags & { to?: string }>(command, context, exit, async (flags, globals) => {
      const to = parseTo(flags.to)
      const waitMs = lockWaitMs(flags)
      const result = await withAdapter(context, globals, flags, async (adapter) =>
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
    }),
  )
}

function verifyCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('verify')
    .description(
      'check applied checksums and every persistent table against its columns contract (includes/contracts.ts)',
    )
    .option('--lock-timeout <seconds>', 'wait this long for a warehouse file another process has open', '10')
  return command.action(
    handle<LockFlags>(command, context, exit, async (flags, globals) => {
      const contracts = await loadContracts(globals.root)
      const stateDataset = await resolveStateDataset(globals.root)
      const report = await withAdapter(context, globals, flags, (adapter) =>
        verifyMigrations(adapter, { root: globals.root, stateDataset, contracts: contracts ?? [] }),
      )
      if (globals.json) printJson(context, report)
      else context.io.stdout(formatVerify(report, contracts !== null))
      return report.ok ? EXIT.ok : EXIT.failed
    }),
  )
}

function parseTo(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1)
    throw new ConfigError(`--to "${value}" is not a migration number; use e.g. --to 2 or --to 0002`)
  return Number(value)
}

function lockWaitMs(flags: LockFlags): number {
  const seconds = Number(flags.lockTimeout ?? '10')
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new ConfigError(`--lock-timeout "${flags.lockTimeout}" is not a number of seconds`)
  return Math.round(seconds * 1000)
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
  flags: LockFlags,
  work: (adapter: Adapter) => Promise<T>,
): Promise<T> {
  const adapter = await openWaiting(context, globals, lockWaitMs(flags))
  return closing(adapter, () => work(adapter))
}

// An embedded warehouse file can be open read-write in one process only; the engine's error names the holder.
const FILE_LOCKED = /conflicting lock|could not set lock/i

/** Open the warehouse, waiting up to `waitMs` while another process has the file open. */
async function openWaiting(context: CliContext, globals: GlobalOptions, waitMs: number): Promise<Adapter> {
  const deadline = Date.now() + waitMs
  for (;;) {
    try {
      return await context.openAdapter(globals)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (!FILE_LOCKED.test(message)) throw error
      if (Date.now() >= deadline) {
        const holder = /PID \d+/.exec(message)?.[0] ?? 'another process'
        throw new MigrationLockError(
          `the warehouse ${globals.warehouse} is held by ${holder} (waited ${waitMs / 1000} s); let it finish, then run the command again\n  ${message.split('\n')[0]}`,
          holder,
          null,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

/** Connect when the engine is configured; otherwise plan offline (every migration), saying why on stderr. */
async function openOrOffline(context: CliContext, globals: GlobalOptions): Promise<Adapter | null> {
  try {
    return await openWaiting(context, globals, 10_000)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    context.io.stderr(
      `note: no ${globals.engine} connection (${error.message.split('\n')[0]}); planning every migration from the dialect alone\n`,
    )
    return null
  }
}

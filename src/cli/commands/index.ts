import type { Command } from 'commander'
import type { CliContext } from '../cli-context.js'
import type { ExitHolder } from '../command-kit.js'
import { assertCommand } from './assert.js'
import { backfillCommand } from './backfill.js'
import { compileCommand } from './compile.js'
import { lineageCommand } from './lineage.js'
import { migrateCommand } from './migrate.js'
import { reportCommand } from './report.js'
import { runCommand } from './run.js'
import { seedCommand } from './seed.js'
import { startCommand } from './start.js'
import { statusCommand } from './status.js'
import { validateDailyCommand } from './validate-daily.js'

/** Every top-level command, in help order. */
export const COMMANDS: readonly ((context: CliContext, exit: ExitHolder) => Command)[] = [
  startCommand,
  compileCommand,
  runCommand,
  assertCommand,
  backfillCommand,
  lineageCommand,
  migrateCommand,
  seedCommand,
  reportCommand,
  statusCommand,
  validateDailyCommand,
]

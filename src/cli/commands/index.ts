import type { Command } from 'commander'
import type { CliContext } from '../cli-context.js'
import type { ExitHolder } from '../command-kit.js'
import { compileCommand } from './compile.js'
import { lineageCommand } from './lineage.js'
import { runCommand } from './run.js'
import { seedCommand } from './seed.js'

/** Every top-level command, in help order. */
export const COMMANDS: readonly ((context: CliContext, exit: ExitHolder) => Command)[] = [
  compileCommand,
  runCommand,
  lineageCommand,
  seedCommand,
]

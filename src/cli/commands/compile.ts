import { Command } from 'commander'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatIssue } from '../../core/errors.js'
import { graphToJson } from '../../compiler/graph-json.js'
import { actionNamesModule } from '../../compiler/action-names.js'
import type { CliContext } from '../cli-context.js'
import { EXIT } from '../cli-context.js'
import { handle, printJson } from '../command-kit.js'
import type { ExitHolder } from '../command-kit.js'

/** The engine's package root (the folder with package.json above this module), from sources or from dist/. */
function engineRoot(from: string): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'core'))) return dir
  }
  throw new Error(`cannot find the engine's package root above ${from}`)
}

export function compileCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('compile')
    .description('compile definitions into the DAG and print it (--json: every action with its SQL)')
    .option('--write-types', 'regenerate includes/action-names.generated.ts so ctx.ref() names are type-checked')
  return command.action(
    handle<{ writeTypes?: boolean }>(command, context, exit, async (options, globals) => {
      const graph = await context.compile(globals)
      if (options.writeTypes) {
        const path = join(globals.root, 'includes', 'action-names.generated.ts')
        const registry = join(engineRoot(fileURLToPath(import.meta.url)), 'src', 'core', 'registry.js')
        const specifier = relative(dirname(path), registry).split(sep).join('/')
        await mkdir(dirname(path), { recursive: true })
        await writeFile(path, actionNamesModule(graph, specifier.startsWith('.') ? specifier : `./${specifier}`))
        context.io.stderr(`wrote ${path}\n`)
      }
      if (globals.json) printJson(context, graphToJson(graph))
      else {
        for (const action of graph.actions) {
          const target = action.target ? `${action.target.dataset}.${action.target.name}` : '-'
          context.io.stdout(
            `${action.kind.padEnd(12)} ${action.name.padEnd(40)} ${target}${action.dependencies.length ? `  ← ${action.dependencies.join(', ')}` : ''}\n`,
          )
        }
        context.io.stdout(`${graph.project.name}: ${graph.actions.length} actions, ${graph.issues.length} problem(s)\n`)
      }
      for (const issue of graph.issues) context.io.stderr(`error: ${formatIssue(issue)}\n`)
      return graph.issues.length ? EXIT.usage : EXIT.ok
    }),
  )
}

import { Command } from 'commander'
import { ConfigError } from '../../core/errors.js'
import type { CompiledGraph } from '../../compiler/compiled.js'
import type { CliContext } from '../cli-context.js'
import { EXIT } from '../cli-context.js'
import { handle } from '../command-kit.js'
import type { ExitHolder } from '../command-kit.js'

export function lineageCommand(context: CliContext, exit: ExitHolder): Command {
  const command = new Command('lineage')
    .description('print the DAG as Mermaid or Graphviz dot')
    .option('--format <format>', 'mermaid or dot', 'mermaid')
  return command.action(
    handle<{ format: string }>(command, context, exit, async (flags, globals) => {
      if (flags.format !== 'mermaid' && flags.format !== 'dot')
        throw new ConfigError(`--format "${flags.format}" is not supported; use mermaid or dot`)
      const graph = await context.compile(globals)
      context.io.stdout(flags.format === 'dot' ? toDot(graph) : toMermaid(graph))
      return graph.issues.length ? EXIT.usage : EXIT.ok
    }),
  )
}

export function toMermaid(graph: CompiledGraph): string {
  const lines = ['flowchart LR']
  for (const a of graph.actions)
    lines.push(
      `  ${a.name}${a.kind === 'assertion' ? `{{${a.name}}}` : a.kind === 'declaration' ? `[(${a.name})]` : `[${a.name}]`}`,
    )
  for (const a of graph.actions) for (const d of a.dependencies) lines.push(`  ${d} --> ${a.name}`)
  return `${lines.join('\n')}\n`
}

export function toDot(graph: CompiledGraph): string {
  const shape = (kind: string) =>
    kind === 'declaration' ? 'cylinder' : kind === 'assertion' ? 'hexagon' : kind === 'view' ? 'ellipse' : 'box'
  const lines = ['digraph pipeline {', '  rankdir=LR;']
  for (const a of graph.actions) lines.push(`  "${a.name}" [shape=${shape(a.kind)}];`)
  for (const a of graph.actions) for (const d of a.dependencies) lines.push(`  "${d}" -> "${a.name}";`)
  lines.push('}')
  return `${lines.join('\n')}\n`
}

import type { Dialect, Target } from '../engines/dialect.js'
import type { SqlFragment } from './fragment.js'

export interface RenderContext {
  readonly dialect: Dialect
  /** Resolve a ref to its target; compile has already reported unknown names. */
  readonly resolveRef: (name: string) => Target | undefined
  readonly self?: Target
}

/** Render a fragment to SQL text for one dialect. */
export function renderSql(fragment: SqlFragment, context: RenderContext): string {
  const { dialect } = context
  let out = ''
  for (const node of fragment.nodes) {
    switch (node.kind) {
      case 'text':
        out += node.text
        break
      case 'value':
        out += dialect.literal(node.value)
        break
      case 'ident':
        out += dialect.quoteIdentifier(node.name)
        break
      case 'param':
        out += dialect.param(node.name, node.type)
        break
      case 'self':
        out += context.self ? dialect.formatTarget(context.self) : '/* self() outside an action */ NULL'
        break
      case 'ref': {
        const target = context.resolveRef(node.name)
        out += target ? dialect.formatTarget(target) : dialect.quoteIdentifier(`unresolved_${node.name}`)
        break
      }
    }
  }
  return out
}

/** Render a fragment that has no refs (helpers' output) for a dialect. */
export function renderPlain(dialect: Dialect, fragment: SqlFragment): string {
  return renderSql(fragment, { dialect, resolveRef: () => undefined })
}

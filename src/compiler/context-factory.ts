import type { Dialect } from '../engines/dialect.js'
import { INTERVAL_END, INTERVAL_START } from '../engines/dialect.js'
import { param, refNode, SqlFragment } from '../sql/fragment.js'
import type { ActionContext } from './context.js'
import { RUN_PARAM_NAMES } from './context.js'

export interface ContextProbe {
  readonly context: ActionContext
  /** Names passed to ref(), in call order. */
  readonly refs: string[]
  /** Whether the query read ctx.isIncremental (then both forms are rendered). */
  readsIsIncremental: boolean
}

/** Fragments are frozen, so every context shares one of each. */
const INTERVAL = Object.freeze({ start: param(INTERVAL_START, 'DATE'), end: param(INTERVAL_END, 'DATE') })
const RUN = Object.freeze({
  id: param(RUN_PARAM_NAMES.id, 'STRING'),
  buildCommitSha: param(RUN_PARAM_NAMES.buildCommitSha, 'STRING'),
  deploymentRevision: param(RUN_PARAM_NAMES.deploymentRevision, 'STRING'),
  mode: param(RUN_PARAM_NAMES.mode, 'STRING'),
  startedAt: param(RUN_PARAM_NAMES.startedAt, 'TIMESTAMP'),
})
/** The frozen copy of each project's vars (one per compile, not one per action). */
const FROZEN_VARS = new WeakMap<object, Readonly<Record<string, string | number | boolean>>>()

function frozenVars(
  vars: Readonly<Record<string, string | number | boolean>>,
): Readonly<Record<string, string | number | boolean>> {
  let frozen = FROZEN_VARS.get(vars)
  if (!frozen) {
    frozen = Object.freeze({ ...vars })
    FROZEN_VARS.set(vars, frozen)
  }
  return frozen
}

/** The ctx handed to query functions at compile time; refs render later, per dialect. */
export function createContext(options: {
  dialect: Dialect
  vars: Readonly<Record<string, string | number | boolean>>
  isIncremental: boolean
}): ContextProbe {
  const refs: string[] = []
  const probe: ContextProbe = {
    refs,
    readsIsIncremental: false,
    context: undefined as unknown as ActionContext,
  }
  const context: ActionContext = {
    ref(name: string) {
      refs.push(name)
      return refNode(name)
    },
    self: () => new SqlFragment([{ kind: 'self' }]),
    interval: INTERVAL,
    get isIncremental() {
      probe.readsIsIncremental = true
      return options.isIncremental
    },
    run: RUN,
    vars: frozenVars(options.vars),
    fn: options.dialect.fn,
    engine: options.dialect.engine,
  }
  ;(probe as { context: ActionContext }).context = context
  return probe
}

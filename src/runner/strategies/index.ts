import type { CompiledIncremental } from '../../compiler/compiled.js'
import type { Dialect, Target } from '../../engines/dialect.js'
import { append } from './append.js'
import { merge } from './merge.js'
import { replaceInterval } from './replace-interval.js'
import { supersede } from './supersede.js'
import type { StrategyContext, StrategyFactory, StrategyName, WriteStrategy } from './write-strategy.js'

export type { StrategyName, Verification, WriteStrategy } from './write-strategy.js'
export { SUPERSEDE_COLUMNS, SUPERSEDE_REASON_PARAM } from './supersede.js'

/** Every write strategy, by the name definitions use; a new strategy is one module and one entry here. */
export const WRITE_STRATEGIES: { readonly [S in StrategyName]: StrategyFactory<S> } = {
  replace_interval: replaceInterval,
  append,
  merge,
  supersede,
}

function create<S extends StrategyName>(name: S, context: StrategyContext<S>): WriteStrategy {
  const factory: StrategyFactory<S> = WRITE_STRATEGIES[name]
  return factory(context)
}

/** The statements of an incremental action's write strategy, for one staging table. */
export function writeStrategyFor(action: CompiledIncremental, dialect: Dialect, staging: Target): WriteStrategy {
  const write = action.definition.write
  return create(write.strategy, { action, write, dialect, staging })
}

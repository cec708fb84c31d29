/**
 * The only import surface for definitions/, includes/, assertions/ and migrations/.
 */
export { sql, raw, ident, join, empty, isSqlFragment, SqlFragment } from './sql/fragment.js'
export type { SqlInterpolation, SqlScalar } from './sql/fragment.js'
export { declaration, table, view, incremental, assertion, operation, defineProject } from './compiler/definitions.js'
export type {
  ActionDefinition, DeclarationConfig, TableConfig, ViewConfig, IncrementalConfig, AssertionConfig, OperationConfig, ProjectConfig,
} from './compiler/definitions.js'
export type { ActionContext, QueryFn, RunMode } from './compiler/context.js'
export type { ActionName, ActionRegistry } from './core/registry.js'
export type { ColumnSpec, Dialect, EngineId, SqlFunctions, Target, TableOptions } from './engines/dialect.js'
export type { InlineAssertions } from './assertions/inline.js'

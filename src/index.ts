/**
 * The only import surface for definitions/, includes/, assertions/ and migrations/.
 */
export { sql, raw, ident, join, empty, isSqlFragment, SqlFragment } from './sql/fragment.js'
export type { SqlInterpolation, SqlScalar } from './sql/fragment.js'
export { declaration, table, view, incremental, assertion, operation, defineProject } from './compiler/definitions.js'
export type {
  ActionDefinition,
  DeclarationConfig,
  TableConfig,
  ViewConfig,
  IncrementalConfig,
  AssertionConfig,
  OperationConfig,
  ProjectConfig,
} from './compiler/definitions.js'
export type { ActionContext, QueryFn, RunMode } from './compiler/context.js'
export type { ActionName, ActionRegistry } from './core/registry.js'
export type { ColumnSpec, Dialect, EngineId, SqlFunctions, Target, TableOptions } from './engines/dialect.js'
export type { InlineAssertions } from './assertions/inline.js'
export { checks } from './assertions/checks.js'
export { defineMigration } from './migrate/migration.js'
export type { ColumnDefault, Migration, MigrationContext, MigrationSql, SqlByEngine } from './migrate/migration.js'
export type { TableContract } from './migrate/verify.js'
export { defineReport } from './reports/define-report.js'
export { defineDailyCheck } from './reports/daily-checks.js'
export { defineChart } from './reports/charts.js'
export type { ChartConfig, ChartContext, ChartDefinition } from './reports/charts.js'
export type { DailyCheckConfig, DailyCheckContext, DailyCheckDefinition } from './reports/daily-checks.js'
export type { ReportConfig, ReportContext, ReportDefinition } from './reports/define-report.js'
export { featureNames, parseCatBoostModel, renderCatBoostExpression, renderPreparedInput } from './models/index.js'
export type { CatBoostModel } from './models/index.js'

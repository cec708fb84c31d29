import type { CompiledGraph } from './compiled.js'

/** The compiled graph as plain JSON: deterministic, no functions, actions sorted by name. */
export function graphToJson(graph: CompiledGraph): unknown {
  return {
    engine: graph.engine,
    project: {
      defaultDataset: graph.project.defaultDataset,
      stateDataset: graph.project.stateDataset,
      vars: graph.project.vars,
    },
    actions: graph.actions.map((a) => {
      const d = a.definition
      return {
        name: a.name,
        kind: a.kind,
        file: a.file,
        target: a.target,
        dependencies: a.dependencies,
        tags: a.tags,
        ...(d.description ? { description: d.description } : {}),
        ...(d.kind === 'incremental'
          ? { interval: d.interval, write: d.write, protected: d.protected, tracking: d.tracking }
          : {}),
        ...((d.kind === 'incremental' || d.kind === 'table') && d.columns ? { columns: d.columns } : {}),
        ...(a.kind === 'assertion' ? { severity: a.definition.severity, guards: a.guards ?? null } : {}),
        sql: a.sql,
        checks: a.checks.map((c) => ({
          name: c.name,
          severity: c.severity,
          builtin: c.builtin,
          threshold: c.threshold,
          summarySql: c.summarySql,
          offendingSql: c.offendingSql,
        })),
      }
    }),
    issues: graph.issues,
  }
}

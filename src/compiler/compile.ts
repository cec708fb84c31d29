import { dependentsIndex, findCycles, closure } from '../core/graph.js'
import { didYouMean } from '../core/did-you-mean.js'
import type { CompileIssue } from '../core/errors.js'
import type { Dialect, Target } from '../engines/dialect.js'
import { collectRefs } from '../sql/fragment.js'
import type { SqlFragment } from '../sql/fragment.js'
import { renderSql } from '../sql/render.js'
import { expandInlineAssertions } from '../assertions/inline.js'
import type { CheckDefinition } from '../assertions/types.js'
import { bindCheck } from '../assertions/bind.js'
import { queryCheck } from '../assertions/query-check.js'
import type { CompiledAction, CompiledCheck, CompiledGraph, CompiledSql, HookName } from './compiled.js'
import type { ActionContext, OperationFn } from './context.js'
import { createContext } from './context-factory.js'
import { defineProject } from './definitions.js'
import type { ActionDefinition, ProjectDefinition } from './definitions.js'
import type { LoadedDefinition, LoadedProject } from './load.js'
import { validateColumns } from './validate-columns.js'

interface Draft {
  readonly definition: ActionDefinition
  readonly file: string
  readonly target: Target | null
  refs: string[]
  sql: CompiledSql
  fragments: SqlFragment[]
  hooks: Partial<Record<HookName, SqlFragment[]>>
  reopen?: SqlFragment
  checks: CheckDefinition[]
  guards?: string
}

/** Compile loaded definitions for one dialect: validate, resolve refs, render SQL, collect every issue. */
export function compileProject(loaded: LoadedProject, dialect: Dialect): CompiledGraph {
  const issues: CompileIssue[] = [...loaded.issues, ...validateColumns(loaded.definitions)]
  const project = loaded.project ?? defineProject({})
  const drafts = collectDrafts(loaded.definitions, project, dialect, issues)
  const index = new Map(drafts.map((d) => [d.definition.name, d]))
  for (const draft of drafts) resolveDependencies(draft, index, issues)
  const gates = assertionGates(drafts, index)
  const actions = drafts.map((d) => finishAction(d, index, gates, dialect)).sort((a, b) => a.name.localeCompare(b.name))
  for (const cycle of findCycles(actions)) {
    const first = index.get(cycle[0] as string)
    issues.push({
      code: 'graph-cycle',
      file: first?.file,
      action: cycle[0],
      message: `dependency cycle: ${cycle.join(' → ')}; remove one of these refs`,
    })
  }
  return { engine: dialect.engine, root: loaded.root, project, actions, issues: sortIssues(issues) }
}

function collectDrafts(
  loaded: readonly LoadedDefinition[],
  project: ProjectDefinition,
  dialect: Dialect,
  issues: CompileIssue[],
): Draft[] {
  const drafts: Draft[] = []
  const seen = new Map<string, string>()
  for (const { definition, file } of loaded) {
    if (definition.kind === 'invalid') {
      issues.push(...definition.issues.map((i) => ({ ...i, file })))
      continue
    }
    if (definition.disabled) continue
    const previous = seen.get(definition.name)
    if (previous !== undefined) {
      issues.push({
        code: 'duplicate-name',
        file,
        action: definition.name,
        message: `duplicate action name, also defined in ${previous}; rename one of them`,
      })
      continue
    }
    seen.set(definition.name, file)
    drafts.push(renderDraft(definition, file, project, dialect, issues))
  }
  return drafts
}

function targetOf(definition: ActionDefinition, project: ProjectDefinition): Target | null {
  if (definition.kind === 'assertion') return null
  if (definition.kind === 'operation' && !definition.hasOutput) return null
  return { dataset: definition.dataset ?? project.defaultDataset, name: definition.name }
}

function renderDraft(
  definition: ActionDefinition,
  file: string,
  project: ProjectDefinition,
  dialect: Dialect,
  issues: CompileIssue[],
): Draft {
  const draft: Draft = {
    definition,
    file,
    target: targetOf(definition, project),
    refs: [...definition.dependencies],
    sql: {},
    fragments: [],
    hooks: {},
    checks: [],
  }
  if (definition.kind === 'declaration') return draft
  try {
    const probe = createContext({ dialect, vars: project.vars, isIncremental: true })
    if (definition.kind === 'operation') {
      const out = definition.queries(probe.context)
      draft.fragments = Array.isArray(out) ? [...(out as SqlFragment[])] : [out as SqlFragment]
    } else if (definition.query) {
      draft.fragments = [definition.query(probe.context)]
      if (probe.readsIsIncremental)
        draft.fragments.push(
          definition.query(createContext({ dialect, vars: project.vars, isIncremental: false }).context),
        )
    }
    if (definition.kind === 'incremental' && definition.hooks)
      draft.hooks = renderHooks(definition.hooks, probe.context)
    if (definition.kind === 'incremental' && definition.interval.reopen)
      draft.reopen = definition.interval.reopen.query(probe.context)
    for (const fragment of [
      ...draft.fragments,
      ...Object.values(draft.hooks).flat(),
      ...(draft.reopen ? [draft.reopen] : []),
    ])
      draft.refs.push(...collectRefs(fragment))
  } catch (error) {
    issues.push({
      code: 'query-failed',
      file,
      action: definition.name,
      message: `query function threw: ${(error as Error).message}`,
    })
  }
  draft.refs = [...new Set(draft.refs)].filter((r) => r !== definition.name)
  if ((definition.kind === 'table' || definition.kind === 'incremental') && definition.assertions) {
    draft.checks = expandInlineAssertions(definition.assertions)
  }
  if (definition.kind === 'assertion' && definition.target) {
    draft.refs.push(definition.target)
    draft.checks = definition.checks?.flat() ?? []
  }
  if (definition.kind === 'assertion') draft.guards = definition.guards ?? definition.target ?? draft.refs.at(-1)
  return draft
}

function resolveDependencies(draft: Draft, index: ReadonlyMap<string, Draft>, issues: CompileIssue[]): void {
  const known = [...draft.refs, ...draft.checks.flatMap((c) => c.dependsOn)]
  for (const name of new Set(known)) {
    if (!index.has(name)) {
      issues.push({
        code: 'unknown-ref',
        file: draft.file,
        action: draft.definition.name,
        message: `unknown dependency "${name}"${didYouMean(name, index.keys())}`,
      })
    }
  }
  // Upstreams a check reads (rowCount relative to an action) are dependencies too.
  draft.refs = [...new Set(known)].filter((r) => index.has(r) && r !== draft.definition.name)
}

/** Each dependent of a guarded action also waits for the assertions guarding it. */
function assertionGates(drafts: readonly Draft[], index: ReadonlyMap<string, Draft>): Map<string, string[]> {
  const gates = new Map<string, string[]>()
  const dependents = dependentsIndex(drafts.map((d) => ({ name: d.definition.name, dependencies: d.refs })))
  const upstreamOf = (name: string) => closure([name], (n) => index.get(n)?.refs ?? [])
  for (const draft of drafts) {
    if (draft.definition.kind !== 'assertion' || !draft.guards) continue
    const upstream = upstreamOf(draft.definition.name)
    for (const dependent of dependents.get(draft.guards) ?? []) {
      if (dependent === draft.definition.name || upstream.has(dependent)) continue
      if (index.get(dependent)?.definition.kind === 'assertion') continue
      gates.set(dependent, [...(gates.get(dependent) ?? []), draft.definition.name])
    }
  }
  return gates
}

function finishAction(
  draft: Draft,
  index: ReadonlyMap<string, Draft>,
  gates: Map<string, string[]>,
  dialect: Dialect,
): CompiledAction {
  const resolveRef = (name: string) => index.get(name)?.target ?? undefined
  const self = draft.target ?? undefined
  const render = (f: SqlFragment) => renderSql(f, { dialect, resolveRef, ...(self ? { self } : {}) })
  const { definition } = draft
  const hookEntries = Object.entries(draft.hooks).map(([name, fragments]) => [name, fragments.map(render)] as const)
  const hooks = hookEntries.length ? { hooks: Object.fromEntries(hookEntries) } : {}
  // A query that threw at compile time is reported as an issue; its empty SQL is never run.
  const query = draft.fragments[0] ? render(draft.fragments[0]) : ''
  const querySql = {
    query,
    ...(draft.fragments[1] ? { fullQuery: render(draft.fragments[1]) } : {}),
    ...(draft.reopen ? { reopen: render(draft.reopen) } : {}),
    ...hooks,
  }
  const checks = draft.checks.map((check) =>
    compileCheck(`${definition.name}.${check.name}`, check, draft, index, dialect),
  )
  const base = {
    name: definition.name,
    file: draft.file,
    dependencies: [...new Set([...draft.refs, ...(gates.get(definition.name) ?? [])])].sort(),
    tags: definition.tags,
    checks,
  }
  const target = draft.target ?? { dataset: '', name: definition.name }
  switch (definition.kind) {
    case 'declaration':
      return { ...base, kind: 'declaration', target, sql: {}, definition }
    case 'table':
      return { ...base, kind: 'table', target, sql: querySql, definition }
    case 'view':
      return { ...base, kind: 'view', target, sql: querySql, definition }
    case 'incremental':
      return { ...base, kind: 'incremental', target, sql: querySql, definition }
    case 'operation':
      return {
        ...base,
        kind: 'operation',
        target: draft.target,
        sql: { statements: draft.fragments.map(render) },
        definition,
      }
    case 'assertion': {
      if (draft.fragments[0]) {
        const check = queryCheck({
          name: definition.name,
          sql: query,
          severity: definition.severity,
          partitionColumn: definition.partitionColumn,
          observe: definition.observe,
        })
        checks.push(compileCheck(definition.name, check, draft, index, dialect))
      }
      return {
        ...base,
        kind: 'assertion',
        target: null,
        sql: draft.fragments[0] ? { query } : {},
        definition,
        ...(draft.guards ? { guards: draft.guards } : {}),
      }
    }
  }
}

function compileCheck(
  name: string,
  check: CheckDefinition,
  draft: Draft,
  index: ReadonlyMap<string, Draft>,
  dialect: Dialect,
): CompiledCheck {
  // A standalone assertion with a target checks the target's table, per the target's partition column.
  const { definition } = draft
  const subject = definition.kind === 'assertion' && definition.target ? index.get(definition.target) : undefined
  const partitionColumn = subject
    ? (definition.kind === 'assertion' && definition.partitionColumn) || checkPartitionColumn(subject.definition)
    : checkPartitionColumn(definition)
  const target = subject ? subject.target : draft.target
  const relation = target ? dialect.formatTarget(target) : '(no relation)'
  const resolveRelation = (actionName: string) => {
    const target = index.get(actionName)?.target
    return target ? dialect.formatTarget(target) : dialect.quoteIdentifier(`unresolved_${actionName}`)
  }
  const bound = subject ? bindCheck(check, { relation, partitionColumn, resolveRelation }) : check
  const rendered = bound.render({ dialect, relation, partitionColumn, resolveRelation })
  return {
    name,
    severity: check.severity,
    builtin: check.builtin,
    definition: bound,
    summarySql: rendered.summarySql,
    offendingSql: rendered.offendingSql,
    threshold: rendered.threshold,
  }
}

/** Inline checks run per the interval column unless the action's assertions say otherwise. */
export function checkPartitionColumn(definition: ActionDefinition): string | null {
  if (definition.kind !== 'table' && definition.kind !== 'incremental') return null
  if (definition.assertions?.partition !== undefined) return definition.assertions.partition
  return definition.kind === 'incremental' ? definition.interval.column : null
}

function sortIssues(issues: readonly CompileIssue[]): CompileIssue[] {
  const key = (i: CompileIssue) => `${i.file ?? ''}\u0000${i.action ?? ''}\u0000${i.code}\u0000${i.message}`
  return [...issues].sort((a, b) => key(a).localeCompare(key(b)))
}

function renderHooks(
  hooks: Partial<Record<HookName, OperationFn>>,
  context: ActionContext,
): Partial<Record<HookName, SqlFragment[]>> {
  const out: Partial<Record<HookName, SqlFragment[]>> = {}
  for (const name of ['beforeBatch', 'afterBatch', 'onFailure'] as const) {
    const hook = hooks[name]
    if (!hook) continue
    const rendered = hook(context)
    out[name] = Array.isArray(rendered) ? [...(rendered as SqlFragment[])] : [rendered as SqlFragment]
  }
  return out
}

import { readdir, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { CompileIssue } from '../core/errors.js'
import { isDefinition } from './definitions.js'
import { importProjectModule, importProjectModules } from './project-modules.js'
import type { ActionDefinition, InvalidAction, ProjectDefinition } from './definitions.js'

export const CONTENT_FOLDERS = ['definitions', 'assertions'] as const
const MODULE_FILE = /\.(ts|js|mts|mjs)$/
const SKIPPED_FILE = /(\.d\.ts|\.test\.ts)$|^_/

export interface LoadedDefinition {
  readonly definition: ActionDefinition | InvalidAction
  /** Path relative to the project root, with forward slashes. */
  readonly file: string
  readonly exportName: string
}

export interface LoadedProject {
  readonly root: string
  readonly definitions: readonly LoadedDefinition[]
  readonly project: ProjectDefinition | undefined
  readonly issues: readonly CompileIssue[]
}

async function listModules(dir: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return []
  }
  const files: string[] = []
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await listModules(path)))
    else if (MODULE_FILE.test(entry.name) && !SKIPPED_FILE.test(entry.name)) files.push(path)
  }
  return files
}

function relativeFile(root: string, path: string): string {
  return relative(root, path).split(sep).join('/')
}

/** Import every module under definitions/ and assertions/ (and includes/project.ts) in one pass and collect the definitions they export. */
export async function loadProject(root: string): Promise<LoadedProject> {
  const missing = await missingProjectIssue(root)
  if (missing) return { root, definitions: [], project: undefined, issues: [missing] }
  const issues: CompileIssue[] = []
  const definitions: LoadedDefinition[] = []
  const paths: string[] = []
  for (const folder of CONTENT_FOLDERS) paths.push(...(await listModules(join(root, folder))))
  const settingsPath = await projectSettingsPath(root)
  const loads = await importProjectModules(root, settingsPath ? [...paths, settingsPath] : paths)
  for (const load of loads.slice(0, paths.length)) {
    const file = relativeFile(root, load.path)
    if ('error' in load) {
      issues.push({ code: 'module-load-failed', file, message: `cannot load module: ${load.error.message}` })
      continue
    }
    for (const [exportName, value] of Object.entries(load.exports).sort(([a], [b]) => a.localeCompare(b))) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (isDefinition(item) && item.kind !== 'project') definitions.push({ definition: item, file, exportName })
      }
    }
  }
  const settings = settingsPath ? loads[paths.length] : undefined
  let project: ProjectDefinition | undefined
  if (settings && 'error' in settings) {
    issues.push({ code: 'project-invalid', file: relativeFile(root, settings.path), message: settings.error.message })
  } else if (settings) project = projectIn(settings.exports)
  return { root, definitions, project, issues }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

/** A root that does not exist, or holds neither definitions/ nor assertions/, is a mistake, not an empty project. */
async function missingProjectIssue(root: string): Promise<CompileIssue | null> {
  const fix = 'pass --project (or PIPELINE_PROJECT) the folder holding definitions/, or run from it'
  if (!(await isDirectory(root)))
    return { code: 'project-not-found', message: `project folder "${root}" does not exist; ${fix}` }
  for (const folder of CONTENT_FOLDERS) if (await isDirectory(join(root, folder))) return null
  return {
    code: 'project-not-found',
    message: `"${root}" is not a pipeline project: it has neither ${CONTENT_FOLDERS.map((f) => `${f}/`).join(' nor ')}; ${fix}`,
  }
}

async function projectSettingsPath(root: string): Promise<string | undefined> {
  return (await listModules(join(root, 'includes'))).find((p) => /[/\\]project\.(ts|js)$/.test(p))
}

function projectIn(exports: Record<string, unknown>): ProjectDefinition | undefined {
  return Object.values(exports).find((v): v is ProjectDefinition => isDefinition(v) && v.kind === 'project')
}

/** The `defineProject` value exported by includes/project.ts, without loading definitions; undefined when absent. */
export async function readProjectSettings(root: string): Promise<ProjectDefinition | undefined> {
  const path = await projectSettingsPath(root)
  return path ? projectIn(await importProjectModule(root, path)) : undefined
}

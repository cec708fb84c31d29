/**
 * vitest globalSetup: one fresh folder per `vitest run` for the template warehouses (test/support/template.ts),
 * removed when the run ends. Templates are built by the checkout's own code the first time a test file asks for
 * one, so a code change is always picked up by the next run.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder of this run's template warehouses. */
    templateDir: string
  }
}

const PREFIX = 'pipeline-templates-'
/** A run killed before its teardown leaves its folder; one this old belongs to no running suite. */
const STALE_MS = 24 * 60 * 60 * 1000

export default function setup(project: TestProject): () => void {
  removeStale()
  const dir = mkdtempSync(join(tmpdir(), PREFIX))
  project.provide('templateDir', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}

function removeStale(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue
    const path = join(tmpdir(), name)
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true })
    } catch {
      // Removed meanwhile by its own run: nothing to do.
    }
  }
}

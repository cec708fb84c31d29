/**
 * vitest globalSetup: one fresh folder per `vitest run` for the template warehouses (test/support/template.ts),
 * removed when the run ends. Templates are built by the checkout's own code the first time a test file asks for
 * one, so a code change is always picked up by the next run.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder of this run's template warehouses. */
    templateDir: string
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-templates-'))
  project.provide('templateDir', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}

import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { ConfigError } from '../core/errors.js'
import { readProjectSettings } from '../compiler/load.js'
import { DEFAULT_STATE_DATASET } from './migrator.js'
import type { TableContract } from './verify.js'
import { importProjectModule } from '../compiler/project-modules.js'

/** Module under the project root whose `PERSISTENT_TABLES` export lists the contracts `migrate verify` checks. */
export const CONTRACTS_MODULE = 'includes/contracts.ts'
export const CONTRACTS_EXPORT = 'PERSISTENT_TABLES'

async function firstExisting(root: string, candidates: readonly string[]): Promise<string | null> {
  for (const candidate of candidates) {
    const path = join(root, candidate)
    try {
      await access(path)
      return path
    } catch {
      // try the next one
    }
  }
  return null
}

/** The project's state dataset from includes/project.ts (defineProject), without compiling definitions. */
export async function resolveStateDataset(root: string): Promise<string> {
  try {
    return (await readProjectSettings(root))?.stateDataset ?? DEFAULT_STATE_DATASET
  } catch (error) {
    throw new ConfigError(`includes/project.ts cannot be loaded: ${(error as Error).message}`, { cause: error })
  }
}

/** The persistent tables' contracts, or null when the project has no includes/contracts.ts. */
export async function loadContracts(root: string): Promise<readonly TableContract[] | null> {
  const path = await firstExisting(root, [CONTRACTS_MODULE, CONTRACTS_MODULE.replace(/\.ts$/, '.js')])
  if (!path) return null
  let exports: Record<string, unknown>
  try {
    exports = await importProjectModule(root, path)
  } catch (error) {
    throw new ConfigError(`${CONTRACTS_MODULE} cannot be loaded: ${(error as Error).message}`, { cause: error })
  }
  const contracts = exports[CONTRACTS_EXPORT]
  if (!Array.isArray(contracts) || !contracts.every(isContract)) {
    throw new ConfigError(
      `${CONTRACTS_MODULE} must export ${CONTRACTS_EXPORT}: an array of { target: { dataset, name }, columns: ColumnSpec[] }`,
    )
  }
  return contracts
}

function isContract(value: unknown): value is TableContract {
  const v = value as Partial<TableContract> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.target?.dataset === 'string' &&
    typeof v.target.name === 'string' &&
    Array.isArray(v.columns)
  )
}

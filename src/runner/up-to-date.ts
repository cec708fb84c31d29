import { createHash, randomUUID } from 'node:crypto'
import type { CompiledAction, CompiledGraph } from '../compiler/compiled.js'
import type { Adapter } from '../engines/adapter.js'
import type { Target } from '../engines/dialect.js'
import { LEDGER_TABLE } from '../migrate/ledger.js'
import type { StateStore } from '../state/state-store.js'
import { checkParams } from './evaluate-checks.js'
import { relationKey } from './plan-env.js'
import type { ActionResult } from './result.js'
import type { ActionPlan } from './steps.js'

/** Bump when what goes into a key changes, so older keys never match. */
const KEY_FORMAT = 'inputs-v1'

/**
 * Which standalone assertions a run need not evaluate again. An assertion whose check SQL, parameters
 * and inputs are what they were at an earlier evaluation in which every check passed would pass again:
 * it is reported "up to date" instead of re-read. Its inputs are the relations it refs, each by a
 * content fingerprint (row count and an order-independent hash of every row, so an edit made outside
 * the pipeline counts too), and the ledger of user migrations. Never bounded: monitors (they observe
 * on every run), assertions that ref anything else (an operation), and engines where a fingerprint is
 * a billed scan (BigQuery).
 */
export class InputsTracker {
  readonly #adapter: Adapter
  readonly #state: StateStore
  readonly #byName: ReadonlyMap<string, CompiledAction>
  readonly #passed: ReadonlyMap<string, ReadonlySet<string>>
  readonly #versions = new Map<string, Promise<string>>()

  private constructor(
    adapter: Adapter,
    state: StateStore,
    graph: CompiledGraph,
    passed: ReadonlyMap<string, ReadonlySet<string>>,
  ) {
    this.#adapter = adapter
    this.#state = state
    this.#byName = new Map(graph.actions.map((a) => [a.name, a]))
    this.#passed = passed
  }

  /** A tracker for the run's plans, or null where nothing can be bounded (no cheap fingerprint). */
  static async create(
    adapter: Adapter,
    state: StateStore,
    graph: CompiledGraph,
    plans: readonly ActionPlan[],
  ): Promise<InputsTracker | null> {
    if (!adapter.dialect.contentFingerprint) return null
    const probe = new InputsTracker(adapter, state, graph, new Map())
    const bounded = plans.filter((p) => probe.bounded(p)).map((p) => p.action.name)
    if (bounded.length === 0) return null
    return new InputsTracker(adapter, state, graph, await state.passedInputsHashes(bounded))
  }

  /** Whether the plan's outcome is a function of its inputs that this tracker can version. */
  bounded(plan: ActionPlan): boolean {
    const { action } = plan
    if (action.kind !== 'assertion' || action.definition.monitor) return false
    if (!plan.batches.some((b) => b.steps.some((s) => s.kind === 'checks'))) return false
    return action.dependencies.every((d) => {
      const kind = this.#byName.get(d)?.kind
      return kind === 'declaration' || kind === 'incremental' || kind === 'table' || kind === 'view'
    })
  }

  /** The key of the plan's checks and its inputs as they are now (read after its dependencies finished). */
  async key(plan: ActionPlan): Promise<string> {
    const hash = createHash('sha256').update(KEY_FORMAT)
    for (const batch of plan.batches) {
      for (const step of batch.steps) {
        if (step.kind !== 'checks') hash.update(`\0${step.kind}\0${'sql' in step ? step.sql : step.label}`)
        // Per check, however the checks are grouped into statements (the key of one check step each before).
        else
          for (const check of step.checks)
            hash.update(`\0check\0${check.query.summarySql}\0${JSON.stringify(check.target.definition)}`)
      }
      // Only the parameters the SQL reads ($name, @name): the run's id and clock change every run, the
      // freshness reference date every day.
      const sqlText = batch.steps
        .map((s) =>
          'sql' in s ? s.sql : s.kind === 'checks' ? s.checks.map((c) => c.query.summarySql).join('\n') : '',
        )
        .join('\n')
      const used = Object.entries(checkParams(batch.params)).filter(([name]) =>
        new RegExp(`[$@]${name}\\b`).test(sqlText),
      )
      hash.update(`\0${JSON.stringify(used)}`)
    }
    const ledger = { dataset: this.#state.dataset, name: LEDGER_TABLE }
    const inputs = [...plan.action.dependencies].sort()
    const versions = await Promise.all([
      // A warehouse without user migrations has no ledger: a stable state, unlike an unreadable relation.
      this.#version(relationKey(ledger), async () =>
        (await this.#adapter.tableExists(ledger)) ? this.#fingerprint(ledger) : 'absent',
      ),
      ...inputs.map((name) => this.#inputVersion(name)),
    ])
    for (const [i, version] of versions.entries()) hash.update(`\0${inputs[i - 1] ?? 'ledger'}=${version}`)
    return hash.digest('hex').slice(0, 32)
  }

  /** Whether any earlier evaluation of the assertion passed every check (else no key can match). */
  passedOnce(name: string): boolean {
    return (this.#passed.get(name)?.size ?? 0) > 0
  }

  /** Whether an earlier evaluation with this key passed every check. */
  passedBefore(name: string, key: string): boolean {
    return this.#passed.get(name)?.has(key) ?? false
  }

  /**
   * After an action that may write any relation (an operation) finishes: forget the fingerprints read
   * so far. Other actions write only their own relation, which its dependents read after it finished.
   */
  forgetVersions(): void {
    this.#versions.clear()
  }

  #inputVersion(name: string): Promise<string> {
    const target = this.#byName.get(name)?.target
    if (!target) return Promise.resolve(`missing ${name}`)
    return this.#version(relationKey(target), () => this.#fingerprint(target))
  }

  #version(key: string, read: () => Promise<string>): Promise<string> {
    let found = this.#versions.get(key)
    if (!found) {
      found = read()
      this.#versions.set(key, found)
    }
    return found
  }

  /**
   * The relation's fingerprint; when it cannot be read (it does not exist), a value no key was ever
   * made of, so the assertion is evaluated (and reports what is wrong).
   */
  async #fingerprint(target: Target): Promise<string> {
    const sqlText = this.#adapter.dialect.contentFingerprint?.(target)
    if (!sqlText) return `unversioned ${randomUUID()}`
    try {
      const [row] = await this.#adapter.query<{ n: number; h: string | null }>(sqlText, {
        label: `fingerprint ${relationKey(target)}`,
      })
      return `${Number(row?.n ?? 0)}:${row?.h ?? ''}`
    } catch {
      return `unreadable ${randomUUID()}`
    }
  }
}

/**
 * Whether a result may stand for its inputs: the assertion ran and every check passed (a partition
 * too small to judge is passed and skipped, and would be again on the same rows).
 */
export function passedEveryCheck(result: ActionResult): boolean {
  return result.status === 'succeeded' && result.checks.every((c) => c.passed)
}

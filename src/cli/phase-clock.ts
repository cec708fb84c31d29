/** Wall time of a command's phases (`start --profile`): each mark closes the phase since the previous mark. */
export class PhaseClock {
  readonly #phases: [string, number][] = []
  #last: number

  /** The first phase, "start-up", is the process's time before the clock was made. */
  constructor() {
    this.#last = performance.now()
    this.#phases.push(['start-up', this.#last])
  }

  mark(phase: string): void {
    const now = performance.now()
    this.#phases.push([phase, now - this.#last])
    this.#last = now
  }

  /** One line: every phase with its seconds, in order. */
  format(): string {
    return `process phases: ${this.#phases.map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(2)} s`).join(', ')}\n`
  }
}

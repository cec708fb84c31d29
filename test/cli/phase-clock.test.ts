import { afterEach, describe, expect, it, vi } from 'vitest'
import { PhaseClock } from '../../src/cli/phase-clock.js'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('PhaseClock (start --profile)', () => {
  it('gives each phase the time since the previous mark, start-up being the time before the clock', () => {
    const now = vi.spyOn(performance, 'now')
    now.mockReturnValue(250)
    const clock = new PhaseClock()
    now.mockReturnValue(1250)
    clock.mark('compile')
    now.mockReturnValue(4500)
    clock.mark('run')
    expect(clock.format()).toBe('process phases: start-up 0.25 s, compile 1.00 s, run 3.25 s\n')
  })
})

/** Deterministic JS PRNG for the few things built outside SQL (the schedule). */

export type Random = () => number

function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

/** mulberry32: a small, fast, deterministic 32-bit generator of numbers in [0, 1). */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** mulberry32 seeded from a string key, e.g. `${seed}:${season}:schedule`. */
export function createRandom(key: string): Random {
  return mulberry32(fnv1a(key))
}

export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const result = [...items]
  for (let index = result.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1))
    const swap = result[index] as T
    result[index] = result[other] as T
    result[other] = swap
  }
  return result
}

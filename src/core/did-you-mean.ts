import { distance } from 'fastest-levenshtein'

/** '; did you mean "x"?' for the closest candidate within a small edit distance, else ''. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = distance(name, candidate)
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate
      bestDistance = d
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3))
  return best !== undefined && bestDistance <= limit ? `; did you mean "${best}"?` : ''
}

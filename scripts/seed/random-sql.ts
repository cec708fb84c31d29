/**
 * Hash-based PRNG as DuckDB temp macros. Every draw is a pure function of (seed, key a, key b, salt), so the
 * output does not depend on row order, thread count or which other rows exist (unlike setseed()/random()).
 * `hash()` returns UBIGINT; its top 53 bits give a uniform double in [0, 1).
 *
 * The multi-argument `hash(a, b, ...)` only XOR-combines the per-argument hashes, so draws that differ
 * only in the salt are almost perfectly correlated (measured corr 0.99). Hashing the combined hash again
 * (an integer finalizer with full avalanche) removes that; a string key gives the same quality, 3x slower.
 */

export function randomMacrosSql(seed: number): string[] {
  if (!Number.isSafeInteger(seed)) throw new Error(`Seed "${seed}" is not a safe integer; pass an integer seed`)
  return [
    `CREATE OR REPLACE TEMP MACRO seed_u(a, b, salt) AS
      (hash(hash(${seed}::BIGINT, a, b, salt)) >> 11)::DOUBLE / 9007199254740992.0`,
    // Box-Muller on two independent uniforms; 1 - u is in (0, 1] so ln() is finite.
    `CREATE OR REPLACE TEMP MACRO seed_n(a, b, salt) AS
      sqrt(-2.0 * ln(1.0 - seed_u(a, b, salt || ':n1'))) * cos(2.0 * pi() * seed_u(a, b, salt || ':n2'))`,
    `CREATE OR REPLACE TEMP MACRO seed_pick(items, a, b, salt) AS
      items[1 + floor(seed_u(a, b, salt) * len(items))::BIGINT]`,
    // Sportsbook lines sit on half points (x.5), never below 0.5.
    `CREATE OR REPLACE TEMP MACRO half_line(x) AS greatest(0.5, floor(x) + 0.5)`,
    // Rounds a double to a DECIMAL so later sums are exact (parallel float sums are order-dependent).
    `CREATE OR REPLACE TEMP MACRO exact(x) AS round(x, 6)::DECIMAL(18,6)`,
  ]
}

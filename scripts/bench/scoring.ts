/**
 * Model scoring benchmark: the bundled catboost_v8 model rendered to SQL and evaluated by DuckDB over
 * N synthetic feature rows (NULLs included), against the TypeScript reference evaluator on the same rows.
 * Run: npx tsx scripts/bench/scoring.ts [rows]   (default 100000)
 */
import { readFileSync } from 'node:fs'
import { DuckDbAdapter } from '../../src/engines/duckdb/duckdb-adapter.js'
import { evaluateCatBoost, featureNames, parseCatBoostModel, renderCatBoostExpression } from '../../src/models/index.js'
import { median } from './measure.js'

const rows = Number(process.argv[2] ?? 100_000)
const model = parseCatBoostModel(
  JSON.parse(readFileSync('includes/models/catboost_v8.json', 'utf8')),
  'includes/models/catboost_v8.json',
)
const names = featureNames(model).filter((n): n is string => n !== undefined)
const adapter = await DuckDbAdapter.open({ path: ':memory:' })
// Deterministic pseudo-random features in plausible ranges; every 17th value NULL.
const columns = names.map(
  (name, i) =>
    `CASE WHEN (r * ${i + 3}) % 17 = 0 THEN NULL ELSE ((hash(r, ${i}) % 100000) / 100000.0) * 40 END AS "${name}"`,
)
await adapter.execute(`CREATE TABLE features AS SELECT r, ${columns.join(', ')} FROM range(${rows}) AS t(r)`)
const expression = renderCatBoostExpression(model, { engine: 'duckdb', column: (name) => `"${name}"` })
const sqlTimes: number[] = []
for (let rep = 0; rep < 6; rep++) {
  const start = performance.now()
  await adapter.execute(`CREATE OR REPLACE TABLE scored AS SELECT r, ${expression} AS p FROM features`)
  if (rep > 0) sqlTimes.push(performance.now() - start) // first run warms up
}
const sample = await adapter.query<Record<string, number | null>>(
  `SELECT f.*, s.p FROM features f JOIN scored s USING (r) ORDER BY r LIMIT 20000`,
)
const tsStart = performance.now()
let maxDiff = 0
for (const row of sample) maxDiff = Math.max(maxDiff, Math.abs(evaluateCatBoost(model, row) - (row.p as number)))
const tsPerRow = (performance.now() - tsStart) / sample.length
console.log(
  `model: ${model.oblivious_trees.length} trees, ${names.length} inputs, SQL expression ${(expression.length / 1024).toFixed(0)} KiB`,
)
console.log(
  `DuckDB SQL scoring, ${rows} rows: median ${median(sqlTimes).toFixed(0)} ms (5 runs, min ${Math.min(...sqlTimes).toFixed(0)}, max ${Math.max(...sqlTimes).toFixed(0)}) = ${((median(sqlTimes) / rows) * 100_000).toFixed(0)} ms per 100k rows`,
)
console.log(
  `TypeScript reference evaluator: ${(tsPerRow * 100_000).toFixed(0)} ms per 100k rows; max |SQL - TS| on ${sample.length} rows = ${maxDiff.toExponential(2)}`,
)
await adapter.close()

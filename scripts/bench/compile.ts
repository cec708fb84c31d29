/**
 * In-memory compile micro-benchmark (no files, no module loading; for compile from disk, whole
 * process, see compile-disk.ts): a layered synthetic DAG of N actions (declarations, tables, incrementals with refs
 * to the previous layer and inline checks), compiled in-process for DuckDB and BigQuery.
 * Run: npx tsx scripts/bench/compile.ts [sizes...]   (default 1000 10000)
 */
import { compileProject } from '../../src/compiler/compile.js'
import type { LoadedProject } from '../../src/compiler/load.js'
import { declaration, incremental, sql, table } from '../../src/index.js'
import type { ActionDefinition, InvalidAction } from '../../src/compiler/definitions.js'
import type { ActionName } from '../../src/index.js'
import { duckDbDialect } from '../../src/engines/duckdb/duckdb-dialect.js'
import { bigQueryDialect } from '../../src/engines/bigquery/bigquery-dialect.js'
import { median } from './measure.js'

const LAYER_WIDTH = 50

function syntheticProject(size: number): LoadedProject {
  const definitions: { definition: ActionDefinition | InvalidAction; file: string; exportName: string }[] = []
  const name = (layer: number, i: number) => `a_${layer}_${i}`
  for (let index = 0; index < size; index++) {
    const layer = Math.floor(index / LAYER_WIDTH)
    const i = index % LAYER_WIDTH
    const file = `definitions/layer-${layer}.ts`
    if (layer === 0) {
      definitions.push({
        definition: declaration({ name: name(0, i), dataset: 'raw', interval: { column: 'day' } }),
        file,
        exportName: `a${i}`,
      })
      continue
    }
    const upstream = [name(layer - 1, i), name(layer - 1, (i + 7) % LAYER_WIDTH)] as const
    const query = (ctx: Parameters<Parameters<typeof table>[0]['query']>[0]) => sql`
      select a.day, a.key, a.value + coalesce(b.value, 0) as value
      from ${ctx.ref(upstream[0] as ActionName)} a left join ${ctx.ref(upstream[1] as ActionName)} b on a.key = b.key and a.day = b.day
      where a.day >= ${ctx.interval.start} and a.day < ${ctx.interval.end}`
    const definition =
      i % 2 === 0
        ? incremental({
            name: name(layer, i),
            interval: { column: 'day', start: '2024-01-01' },
            write: { strategy: 'replace_interval' },
            assertions: { uniqueKey: ['day', 'key'], nonNull: ['value'] },
            query,
          })
        : table({ name: name(layer, i), assertions: { nonNull: ['key'] }, query })
    definitions.push({ definition, file, exportName: `a${i}` })
  }
  return { root: '/bench', definitions, project: undefined, issues: [] }
}

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0)
  for (const size of sizes.length ? sizes : [1000, 10000]) {
    for (const [engine, dialect] of [
      ['duckdb', duckDbDialect],
      ['bigquery', bigQueryDialect],
    ] as const) {
      const project = syntheticProject(size)
      const times: number[] = []
      let peak = 0
      compileProject(project, dialect) // warm-up: JIT and module caches, not measured
      for (let rep = 0; rep < 5; rep++) {
        global.gc?.()
        const start = performance.now()
        const graph = compileProject(project, dialect)
        times.push(performance.now() - start)
        peak = Math.max(peak, process.memoryUsage().heapUsed)
        if (graph.issues.length) throw new Error(`synthetic project has issues: ${graph.issues[0]?.message}`)
        if (graph.actions.length !== size) throw new Error(`expected ${size} actions, got ${graph.actions.length}`)
      }
      console.log(
        `${String(size).padStart(6)} actions  ${engine.padEnd(8)}  compile median ${median(times).toFixed(0).padStart(5)} ms  (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}, 5 runs)  heap peak ${(peak / 2 ** 20).toFixed(0)} MiB  rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
      )
    }
  }
}

await main()

/**
 * Reports of `pipeline report <name>` (the engine runs them; the basketball is here).
 *
 *   pipeline report hit-rate [--from D] [--to D] [--system ID] [--by day|build|run] [--json]
 */
import { defineReport, sql } from '../src/index.js'
import { hitRateMetrics } from './predictions/hit-rate-sql.js'
import { SYSTEM_ID } from './predictions/rules.js'

/**
 * Hit rate (DOMAIN §5.4: PASS, NO_LINE, pushes and voids excluded), high-edge (|edge| ≥ 5) and
 * premium (confidence ≥ 0.92, |edge| ≥ 3) hit rates, model MAE vs Vegas MAE, counts.
 * Scope: one system; the total and --by day read current rows only (is_superseded_prediction =
 * FALSE); --by build and --by run also read the graded rows of superseded predictions, so a
 * regeneration's before and after sit side by side.
 */
export const hitRateReport = defineReport({
  name: 'hit-rate',
  description: 'hit rate, high-edge and premium hit rate, MAE vs Vegas MAE (graded predictions)',
  params: {
    // `--system ID` (or `--param system=ID`): the prediction system whose graded picks are in scope.
    system: { description: 'prediction system id, e.g. catboost_v8', default: SYSTEM_ID, pattern: /^[a-z0-9_]+$/ },
  },
  // The total is always over current predictions, also under --by build|run (which add superseded ones).
  totalLabel: 'current',
  groupings: {
    day: { key: () => sql`a.game_date`, description: 'one row per game date (current predictions)' },
    season: {
      key: () =>
        sql`CAST(EXTRACT(YEAR FROM a.game_date) - CASE WHEN EXTRACT(MONTH FROM a.game_date) < 10 THEN 1 ELSE 0 END AS STRING)`,
      description: 'one row per season (season_year: 2025 = 2025-26), current predictions',
    },
    build: {
      key: () => sql`a.build_commit_sha`,
      description: 'per build of the predicting code, superseded predictions included',
    },
    run: { key: () => sql`p.run_id`, description: 'per prediction run, superseded predictions included' },
  },
  columns: [
    { name: 'picks', format: 'integer', description: 'graded OVER/UNDER with an outcome (no push, no void)' },
    { name: 'hit_rate', label: 'hit rate', format: 'ratio' },
    { name: 'high_edge_picks', label: 'high-edge', format: 'integer' },
    { name: 'high_edge_hit_rate', label: 'high-edge hit', format: 'ratio' },
    { name: 'premium_picks', label: 'premium', format: 'integer' },
    { name: 'premium_hit_rate', label: 'premium hit', format: 'ratio' },
    { name: 'mae', label: 'MAE', format: 'number' },
    { name: 'vegas_mae', label: 'Vegas MAE', format: 'number' },
    { name: 'share_beats_vegas', label: 'beats Vegas', format: 'ratio' },
    { name: 'graded', format: 'integer' },
    { name: 'voids', format: 'integer' },
    { name: 'pushes', format: 'integer' },
    {
      name: 'first_run',
      label: 'first run',
      format: 'text',
      groupings: ['build'],
      description: 'when the build first ran',
    },
    {
      name: 'superseded_share',
      label: 'superseded',
      format: 'ratio',
      groupings: ['build'],
      description: 'share of its graded rows whose prediction was superseded (1.000: wholly replaced)',
    },
    {
      name: 'forced_runs',
      label: 'forced runs',
      format: 'integer',
      groupings: ['build'],
      description: 'runs of the build with --skip-assertions',
    },
  ],
  query: (ctx) => {
    const history = ctx.by === 'build' || ctx.by === 'run'
    const predictions =
      ctx.by === 'run'
        ? sql`JOIN ${ctx.ref('player_prop_predictions')} AS p ON p.prediction_id = a.prediction_id AND p.game_date = a.game_date
        AND p.game_date BETWEEN ${ctx.params.from} AND ${ctx.params.to}`
        : sql``
    const superseded =
      ctx.by === 'build'
        ? sql`, AVG(CASE WHEN a.is_superseded_prediction THEN 1.0 ELSE 0.0 END) AS superseded_share`
        : sql``
    const grouped = sql`SELECT ${ctx.group} AS group_key, ${hitRateMetrics(ctx, 'a')}${superseded}
FROM ${ctx.ref('prediction_accuracy')} AS a
${predictions}
WHERE a.game_date BETWEEN ${ctx.params.from} AND ${ctx.params.to}
  AND a.system_id = ${ctx.params.system}
  ${history ? sql`` : sql`AND a.is_superseded_prediction = FALSE`}
GROUP BY 1`
    if (ctx.by !== 'build') return sql`${grouped}\nORDER BY 1`
    // Builds in the order they first ran (not by sha text), with the runs that forced writes through.
    return sql`SELECT g.*, ${ctx.fn.cast(sql`b.first_run`, 'STRING')} AS first_run, COALESCE(b.forced_runs, 0) AS forced_runs
FROM (${grouped}) AS g
LEFT JOIN (
  SELECT r.build_commit_sha, MIN(r.started_at) AS first_run, SUM(CASE WHEN r.skip_assertions THEN 1 ELSE 0 END) AS forced_runs
  FROM ${ctx.stateTable('runs')} AS r GROUP BY r.build_commit_sha
) AS b ON b.build_commit_sha = g.group_key
ORDER BY b.first_run, g.group_key`
  },
})

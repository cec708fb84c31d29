/**
 * Reports of `pipeline report <name>` (the engine runs them; the basketball is here).
 *
 *   pipeline report hit-rate [--from D] [--to D] [--system ID] [--by day|build|run] [--json]
 */
import { defineDailyCheck, defineReport, raw, sql } from '../src/index.js'
import { highEdge, hitRate, hitRateMetrics, picks } from './predictions/hit-rate-sql.js'
import { A13A, GRADABLE_LINE_SOURCES, HIT_RATE_MONITOR, SYSTEM_ID } from './predictions/rules.js'

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

/* ---- Daily checks of `pipeline validate-daily [--date D]`: the morning of D, yesterday = D − 1. ---- */

const PA = 'prediction_accuracy'
const PPP = 'player_prop_predictions'
/** DOMAIN §7.1: the high-edge hit rate a healthy week keeps (the I-1 fix plan expected > 60%). */
const HIGH_EDGE_FLOOR = 0.6
/**
 * Predictions per game of a slate: the store's roster gives ≈ 27 per game on the sample (DOMAIN §8: 25–30
 * box-score rows per game); fewer than half of that means players or games are missing.
 */
const MIN_PREDICTIONS_PER_GAME = 15
const GRADABLE = raw(GRADABLE_LINE_SOURCES.map((v) => `'${v}'`).join(', '))

/** Yesterday's hit rate per system (game days with enough picks), alert below 0.55 (DOMAIN §6). */
export const dailyHitRate = defineDailyCheck({
  name: 'daily_hit_rate',
  description: "yesterday's hit rate per system",
  query: (
    ctx,
  ) => sql`SELECT ${ctx.fn.cast(sql`a.game_date`, 'STRING')} || ' ' || a.system_id AS subject, 'hit rate' AS label,
    ${hitRate(ctx, 'a')} AS observed, '<' AS op, ${raw(String(HIT_RATE_MONITOR.warnBelow))} AS threshold,
    ${hitRate(ctx, 'a')} < ${raw(String(HIT_RATE_MONITOR.warnBelow))} AS alert
  FROM ${ctx.ref(PA)} AS a
  WHERE a.game_date = ${ctx.params.yesterday} AND a.is_superseded_prediction = FALSE
  GROUP BY a.game_date, a.system_id
  HAVING ${picks(ctx, 'a')} >= ${raw(String(HIT_RATE_MONITOR.minPicks))}
  ORDER BY 1`,
})

/** The 7 days through yesterday (catboost_v8): each game day below 0.55 by name, then the week's hit rate and high-edge hit rate. */
export const rollingHitRate = defineDailyCheck({
  name: 'rolling_hit_rate',
  description: 'rolling 7-day hit rate and high-edge hit rate (catboost_v8), and each day of the week',
  query: (ctx) => {
    const week = sql`FROM ${ctx.ref(PA)} AS a
    WHERE a.game_date >= ${ctx.params.weekStart} AND a.game_date < ${ctx.params.date}
      AND a.system_id = ${SYSTEM_ID} AND a.is_superseded_prediction = FALSE`
    const floor = raw(String(HIT_RATE_MONITOR.warnBelow))
    const edgeFloor = raw(String(HIGH_EDGE_FLOOR))
    return sql`SELECT ${ctx.fn.cast(sql`a.game_date`, 'STRING')} AS subject, 'hit rate' AS label, ${hitRate(ctx, 'a')} AS observed,
      '<' AS op, ${floor} AS threshold, ${hitRate(ctx, 'a')} < ${floor} AS alert
    ${week}
    GROUP BY a.game_date HAVING ${picks(ctx, 'a')} >= ${raw(String(HIT_RATE_MONITOR.minPicks))}
    UNION ALL
    SELECT '7 days' AS subject, '7-day hit rate' AS label, ${hitRate(ctx, 'a')} AS observed, '<' AS op, ${floor} AS threshold,
      ${hitRate(ctx, 'a')} < ${floor} AS alert
    ${week} HAVING ${picks(ctx, 'a')} > 0
    UNION ALL
    SELECT '7 days' AS subject, '7-day high-edge hit rate' AS label, ${hitRate(ctx, 'a', highEdge('a'))} AS observed, '<' AS op,
      ${edgeFloor} AS threshold, ${hitRate(ctx, 'a', highEdge('a'))} < ${edgeFloor} AS alert
    ${week} HAVING ${picks(ctx, 'a', highEdge('a'))} > 0
    ORDER BY 1, 2`
  },
})

/** The week's model MAE against the Vegas MAE of the same rows: the model must beat the line (DOMAIN §5.4). */
export const maeVsVegas = defineDailyCheck({
  name: 'mae_vs_vegas',
  description: '7-day model MAE against Vegas MAE (catboost_v8)',
  query: (ctx) => {
    const mae = sql`AVG(${ctx.fn.cast(sql`a.absolute_error`, 'FLOAT64')})`
    const vegas = sql`AVG(${ctx.fn.cast(sql`ABS(a.line_value - a.actual_points)`, 'FLOAT64')})`
    return sql`SELECT '7 days' AS subject, 'model MAE vs Vegas MAE' AS label, ${mae} AS observed, '>' AS op, ${vegas} AS threshold,
      ${mae} > ${vegas} AS alert
    FROM ${ctx.ref(PA)} AS a
    WHERE a.game_date >= ${ctx.params.weekStart} AND a.game_date < ${ctx.params.date}
      AND a.system_id = ${SYSTEM_ID} AND a.is_superseded_prediction = FALSE
      AND a.line_value IS NOT NULL AND a.actual_points IS NOT NULL
    HAVING COUNT(*) > 0`
  },
})

/** Today's slate: the share of active predictions with a real line (A-13a) and predictions per game. */
export const slateCoverage = defineDailyCheck({
  name: 'slate_coverage',
  description: "today's slate: line coverage and predictions per game (catboost_v8)",
  query: (ctx) => {
    const share = ctx.fn.safeDivide(
      ctx.fn.cast(ctx.fn.countIf(sql`p.line_source IN (${GRADABLE})`), 'FLOAT64'),
      ctx.fn.cast(sql`COUNT(*)`, 'FLOAT64'),
    )
    const perGame = ctx.fn.safeDivide(
      ctx.fn.cast(sql`COUNT(*)`, 'FLOAT64'),
      ctx.fn.cast(sql`COUNT(DISTINCT p.game_id)`, 'FLOAT64'),
    )
    const slate = sql`FROM ${ctx.ref(PPP)} AS p WHERE p.game_date = ${ctx.params.date} AND p.is_active AND p.system_id = ${SYSTEM_ID}`
    return sql`SELECT ${ctx.fn.cast(ctx.params.date, 'STRING')} AS subject, 'share with a real line' AS label, ${share} AS observed,
      '<' AS op, ${raw(String(A13A.warnBelow))} AS threshold, ${share} < ${raw(String(A13A.warnBelow))} AS alert ${slate}
    UNION ALL
    SELECT ${ctx.fn.cast(ctx.params.date, 'STRING')} AS subject, 'predictions per game' AS label, ${perGame} AS observed, '<' AS op,
      ${raw(String(MIN_PREDICTIONS_PER_GAME))} AS threshold, ${perGame} < ${raw(String(MIN_PREDICTIONS_PER_GAME))} AS alert ${slate}`
  },
})

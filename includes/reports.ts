/**
 * Reports of `pipeline report <name>` (the engine runs them; the basketball is here).
 *
 *   pipeline report hit-rate [--from D] [--to D] [--system ID] [--by day|build|run] [--json]
 */
import { defineChart, defineDailyCheck, defineReport, join, raw, sql } from '../src/index.js'
import type { SqlFunctions } from '../src/index.js'
import { FEATURE_NAMES } from './feature-catalog.js'
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

/* ---- Charts of `pipeline report html [--from D] [--to D] --out FILE` (Vega-Lite, rendered to SVG). ---- */

const picksFloor = raw(String(HIT_RATE_MONITOR.minPicks))
const dayText = (ctx: { fn: SqlFunctions }, column: string) => ctx.fn.cast(raw(column), 'STRING')

/** catboost_v8's hit rate per game day with the 55 % line and a 7-day rolling mean. */
export const hitRateByDayChart = defineChart({
  name: 'hit_rate_by_day',
  title: 'Hit rate by day (catboost_v8)',
  description: `Current graded predictions, game days with at least ${HIT_RATE_MONITOR.minPicks} picks; the red line is the ${HIT_RATE_MONITOR.warnBelow} alert, the dark line the 7-day rolling mean.`,
  order: 10,
  query: (
    ctx,
  ) => sql`SELECT ${dayText(ctx, 'a.game_date')} AS game_date, ${hitRate(ctx, 'a')} AS hit_rate, ${picks(ctx, 'a')} AS picks
    FROM ${ctx.ref(PA)} AS a
    WHERE a.game_date BETWEEN ${ctx.params.from} AND ${ctx.params.to} AND a.system_id = ${SYSTEM_ID} AND a.is_superseded_prediction = FALSE
    GROUP BY a.game_date HAVING ${picks(ctx, 'a')} >= ${picksFloor} ORDER BY 1`,
  spec: {
    width: 900,
    height: 260,
    transform: [
      { window: [{ op: 'mean', field: 'hit_rate', as: 'rolling_7d' }], frame: [-6, 0], sort: [{ field: 'game_date' }] },
    ],
    layer: [
      {
        mark: { type: 'line', color: '#9ecae1', point: { size: 12, color: '#6baed6' } },
        encoding: {
          x: { field: 'game_date', type: 'temporal', title: 'game date' },
          y: { field: 'hit_rate', type: 'quantitative', title: 'hit rate', scale: { domain: [0.3, 1] } },
        },
      },
      {
        mark: { type: 'line', color: '#08306b', strokeWidth: 2 },
        encoding: { x: { field: 'game_date', type: 'temporal' }, y: { field: 'rolling_7d', type: 'quantitative' } },
      },
      {
        mark: { type: 'rule', color: '#d62728', strokeDash: [6, 4] },
        encoding: { y: { datum: HIT_RATE_MONITOR.warnBelow } },
      },
    ],
  },
})

/** Hit rate and MAE per build of the predicting code (superseded predictions included), in the order builds first ran. */
export const buildComparisonChart = defineChart({
  name: 'before_after_by_build',
  title: 'Before and after, by build',
  description:
    'Graded predictions of each build over the range, superseded ones included, builds in the order they first ran: a regeneration shows as the old and the new build side by side.',
  order: 20,
  query: (
    ctx,
  ) => sql`SELECT g.build, g.hit_rate, g.mae, g.vegas_mae, g.graded, COALESCE(${ctx.fn.cast(sql`b.first_run`, 'STRING')}, '') AS first_run
    FROM (
      SELECT a.build_commit_sha AS build, ${hitRate(ctx, 'a')} AS hit_rate,
        AVG(${ctx.fn.cast(sql`a.absolute_error`, 'FLOAT64')}) AS mae,
        AVG(${ctx.fn.cast(sql`ABS(a.line_value - a.actual_points)`, 'FLOAT64')}) AS vegas_mae, COUNT(*) AS graded
      FROM ${ctx.ref(PA)} AS a
      WHERE a.game_date BETWEEN ${ctx.params.from} AND ${ctx.params.to} AND a.system_id = ${SYSTEM_ID}
      GROUP BY a.build_commit_sha
    ) AS g
    LEFT JOIN (SELECT r.build_commit_sha, MIN(r.started_at) AS first_run FROM ${ctx.stateTable('runs')} AS r GROUP BY r.build_commit_sha) AS b
      ON b.build_commit_sha = g.build
    ORDER BY b.first_run, g.build`,
  spec: {
    transform: [
      { calculate: "substring(datum.build, 0, 12) + ' (' + substring(datum.first_run, 0, 10) + ')'", as: 'label' },
    ],
    hconcat: [
      {
        width: 380,
        height: 200,
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: null, title: 'build (first run)' },
          x: { field: 'hit_rate', type: 'quantitative', title: 'hit rate', scale: { domain: [0, 1] } },
        },
      },
      {
        width: 380,
        height: 200,
        mark: { type: 'bar', color: '#f58518' },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: null, title: null, axis: null },
          x: { field: 'mae', type: 'quantitative', title: 'MAE (points)' },
        },
      },
    ],
  },
})

/** Model MAE against the Vegas MAE of the same rows, per game day. */
export const maeVsVegasChart = defineChart({
  name: 'mae_vs_vegas',
  title: 'MAE against Vegas MAE',
  description:
    'Mean absolute error of catboost_v8 and of the line itself on the same graded rows, per game day: the model should stay below the line.',
  order: 30,
  query: (ctx) => sql`SELECT ${dayText(ctx, 'a.game_date')} AS game_date,
      AVG(${ctx.fn.cast(sql`a.absolute_error`, 'FLOAT64')}) AS model,
      AVG(${ctx.fn.cast(sql`ABS(a.line_value - a.actual_points)`, 'FLOAT64')}) AS vegas
    FROM ${ctx.ref(PA)} AS a
    WHERE a.game_date BETWEEN ${ctx.params.from} AND ${ctx.params.to} AND a.system_id = ${SYSTEM_ID}
      AND a.is_superseded_prediction = FALSE AND a.line_value IS NOT NULL AND a.actual_points IS NOT NULL
    GROUP BY a.game_date HAVING COUNT(*) >= ${picksFloor} ORDER BY 1`,
  spec: {
    width: 900,
    height: 220,
    transform: [{ fold: ['model', 'vegas'], as: ['series', 'mae'] }],
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'game_date', type: 'temporal', title: 'game date' },
      y: { field: 'mae', type: 'quantitative', title: 'MAE (points)', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', scale: { range: ['#4c78a8', '#e45756'] }, title: null },
    },
  },
})

/** Per feature and day, the share of feature-store rows where the feature is NULL or 0: a stuck feature is a band. */
export const featureHealthChart = defineChart({
  name: 'feature_health',
  title: 'Feature health: NULL or zero share per feature per day',
  description:
    'Each cell is the share of the day\u2019s feature-store rows where the feature is NULL or 0; a feature stuck at zero shows as a dark band across its days.',
  order: 40,
  query: (ctx) =>
    sql`${join(
      FEATURE_NAMES.map(
        (name) => sql`SELECT ${dayText(ctx, 'f.game_date')} AS game_date, ${name} AS feature,
          AVG(CASE WHEN f.${raw(name)} IS NULL OR f.${raw(name)} = 0 THEN 1.0 ELSE 0.0 END) AS share
        FROM ${ctx.ref('ml_feature_store_v2')} AS f
        WHERE f.game_date BETWEEN ${ctx.params.from} AND ${ctx.params.to} GROUP BY f.game_date`,
      ),
      ' UNION ALL ',
    )}`,
  spec: {
    width: 900,
    height: 520,
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'game_date', type: 'ordinal', title: 'game date', axis: { labelOverlap: true, labelAngle: -45 } },
      y: { field: 'feature', type: 'nominal', sort: FEATURE_NAMES, title: null },
      color: { field: 'share', type: 'quantitative', title: 'NULL or 0', scale: { domain: [0, 1], scheme: 'reds' } },
    },
  },
})

/** Error and warn assertions failing per day (latest result per assertion and day), from pipeline_state. */
export const failedAssertionsChart = defineChart({
  name: 'failed_assertions',
  title: 'Failed assertions over time',
  description:
    'Per day, the assertions whose latest result on that day failed, by severity (pipeline_state.assertion_results).',
  order: 50,
  query: (ctx) => sql`SELECT SUBSTR(partition_value, 1, 10) AS day, severity, COUNT(*) AS failed FROM (
      SELECT assertion, partition_value, severity, passed, skipped,
        ROW_NUMBER() OVER (PARTITION BY assertion, partition_value ORDER BY evaluated_at DESC) AS latest
      FROM ${ctx.stateTable('assertion_results')}
      WHERE partition_value >= ${ctx.fn.cast(ctx.params.from, 'STRING')} AND partition_value <= ${ctx.fn.cast(ctx.params.to, 'STRING')}
    ) AS r WHERE latest = 1 AND NOT passed AND NOT skipped GROUP BY 1, 2 ORDER BY 1, 2`,
  spec: {
    width: 900,
    height: 200,
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'day', type: 'temporal', title: 'day' },
      y: { field: 'failed', type: 'quantitative', title: 'failed assertions' },
      color: {
        field: 'severity',
        type: 'nominal',
        scale: { domain: ['error', 'warn'], range: ['#d62728', '#ff9f1c'] },
      },
    },
  },
})

/**
 * The query of nba_predictions.ml_feature_store_v2 for one batch of target dates, in stages:
 *   fs_values   every input joined to the roster; each feature's value and present-value label (raw_*)
 *   fs_features early-season rows withheld (NULL), NULL values labelled `missing`
 *   fs_complete derived features (has_vegas_line, has_shot_zone_data: never NULL)
 *   fs_scored   quality mean and source shares
 * and a final SELECT whose columns are the contract's, each from COLUMN_BUILDERS: a contract
 * column without a builder (or a builder without a column) fails compilation.
 */
import { raw, sql } from '../../src/index.js'
import type { ActionContext, SqlFragment } from '../../src/index.js'
import { FEATURE_STORE_COLUMNS } from '../../includes/contracts.js'
import { FEATURE_CATALOG } from '../../includes/feature-catalog.js'
import { lineSelectionCtes } from '../../includes/lines.js'
import { playerHistoryCtes } from '../../includes/player-history.js'
import { rosterCtes } from '../../includes/roster.js'
import { hashNumbers, inInterval, joinWith, sortedArrayAgg, structOf } from '../../includes/sql-helpers.js'
import { teamHistoryCtes } from '../../includes/team-history.js'
import { featureExpressions, isDerived } from './feature-expressions.js'
import type { DerivedFeature, FeatureExpression } from './feature-expressions.js'
import {
  dataSourceSql,
  FEATURE_COUNT,
  FEATURE_VERSION,
  qualityScoreSql,
  qualityTierSql,
  sourceColumn,
  sourceSharesSql,
  qualityMeanSql,
} from './feature-quality.js'
import {
  featureStoreInputCtes,
  lineageColumns,
  lineageInputs,
  upstreamIssue,
  upstreamJoins,
  UPSTREAMS,
} from './feature-store-inputs.js'

/** Columns the engine writes (never the query): the feature store's `tracking`. */
export const FEATURE_STORE_TRACKING = {
  build_commit_sha: 'buildCommitSha',
  run_id: 'runId',
  feature_source_mode: 'mode',
  updated_at: 'startedAt',
} as const

export const INSUFFICIENT_EARLY_SEASON = 'early_season_skip_first_14_days'

type Entry = readonly [string, FeatureExpression | DerivedFeature]

function valuesStage(ctx: ActionContext, features: readonly Entry[]): SqlFragment {
  const columns = features.flatMap(([name, e]) =>
    isDerived(e)
      ? []
      : [
          sql`${ctx.fn.cast(e.value, 'FLOAT64')} AS ${raw(`raw_${name}`)}`,
          sql`${typeof e.source === 'string' ? sql`${e.source}` : e.source} AS ${raw(`raw_${sourceColumn(name)}`)}`,
        ],
  )
  return sql`fs_values AS (
    SELECT r.player_lookup, r.game_date, r.game_id, r.universal_player_id, r.opponent_team_abbr, r.is_home, r.days_rest, r.early_season_flag,
      ${lineageInputs(ctx)},
      COALESCE(h.games_last_10, 0) AS games_found, COALESCE(h.games_before, 0) AS games_available, h.contributing_game_dates,
      tc.expected_games, tc.actual_games, l.vegas_line_source AS line_source, e.created_at AS existing_created_at,
      ${joinWith(columns, ',\n      ')}
    FROM roster r
    LEFT JOIN player_history h ON h.player_lookup = r.player_lookup AND h.game_date = r.game_date
    LEFT JOIN team_history t ON t.team_abbr = r.team_abbr AND t.game_date = r.game_date
    LEFT JOIN selected_lines l ON l.player_lookup = r.player_lookup AND l.game_date = r.game_date
    LEFT JOIN fs_completeness tc ON tc.team_abbr = r.team_abbr AND tc.game_date = r.game_date
    LEFT JOIN fs_existing e ON e.player_lookup = r.player_lookup AND e.game_date = r.game_date
    ${upstreamJoins()}
  )`
}

function featuresStage(features: readonly Entry[]): SqlFragment {
  const columns = features.flatMap(([name, e]) =>
    isDerived(e)
      ? []
      : [
          raw(`CASE WHEN v.early_season_flag THEN NULL ELSE v.raw_${name} END AS ${name}`),
          raw(
            `CASE WHEN v.early_season_flag OR v.raw_${name} IS NULL THEN 'missing' ELSE v.raw_${sourceColumn(name)} END AS ${sourceColumn(name)}`,
          ),
        ],
  )
  return sql`fs_features AS (
    SELECT v.*, ${joinWith(columns, ',\n      ')}
    FROM fs_values v
  )`
}

function completeStage(features: readonly Entry[]): SqlFragment {
  const derived = features.flatMap(([name, e]) =>
    isDerived(e) ? [sql`${e.derived} AS ${raw(name)}`, sql`${e.source} AS ${raw(sourceColumn(name))}`] : [],
  )
  return sql`fs_complete AS (
    SELECT f.*, ${joinWith(derived, ', ')}
    FROM fs_features f
  )`
}

function scoredStage(): SqlFragment {
  const shares = sourceSharesSql('x.')
  return sql`fs_scored AS (
    SELECT x.*, ${qualityMeanSql('x.')} AS quality_mean, ${shares.phase4} AS phase4_share, ${shares.phase3} AS phase3_share
    FROM fs_complete x
  )`
}

function issuesCte(ctx: ActionContext): SqlFragment {
  const rows = UPSTREAMS.map((u) =>
    raw(`SELECT player_lookup, game_date, '${upstreamIssue(u)}' AS issue FROM fs_values WHERE NOT ${u.key}_found`),
  )
  return sql`fs_issues AS (
    SELECT player_lookup, game_date, ${sortedArrayAgg(ctx, sql`issue`)} AS data_quality_issues
    FROM (${joinWith(rows, '\n      UNION ALL\n      ')}) AS issues
    GROUP BY player_lookup, game_date
  )`
}

/** Builders of the final columns, by contract name, over `x` (fs_scored) and `q` (fs_issues). */
function columnBuilders(ctx: ActionContext): Map<string, SqlFragment> {
  const early = sql`x.early_season_flag`
  const score = qualityScoreSql(ctx, early, sql`x.quality_mean`)
  const featureNames = FEATURE_CATALOG.map((f) => f.name)
  const completeness = sql`CASE WHEN x.expected_games > 0 THEN 100.0 * x.actual_games / x.expected_games END`
  const allUpstreams = raw(UPSTREAMS.map((u) => `x.${u.key}_found`).join(' AND '))
  const gamesExpected = sql`CASE WHEN x.games_available < 10 THEN x.games_available ELSE 10 END`
  const columns = new Map<string, SqlFragment>([
    ['player_lookup', sql`x.player_lookup`],
    ['game_date', sql`x.game_date`],
    ['game_id', sql`x.game_id`],
    ['universal_player_id', sql`x.universal_player_id`],
    ...featureNames.map((name) => [name, raw(`x.${name}`)] as const),
    [
      'feature_sources',
      sql`[${joinWith(
        featureNames.map((name) => raw(`x.${sourceColumn(name)}`)),
        ', ',
      )}]`,
    ],
    ['feature_count', ctx.fn.cast(sql`${FEATURE_COUNT}`, 'INT64')],
    ['feature_version', sql`${FEATURE_VERSION}`],
    // Per-row generation time is not observable inside one set-based statement
    ['feature_generation_time_ms', ctx.fn.cast(sql`NULL`, 'INT64')],
    ['feature_quality_score', score],
    ['quality_tier', qualityTierSql(score)],
    ['data_source', dataSourceSql(early, { phase4: sql`x.phase4_share`, phase3: sql`x.phase3_share` })],
    ['data_quality_issues', sql`q.data_quality_issues`],
    [
      'processing_decision_reason',
      sql`CASE WHEN ${early} THEN 'early_season_features_withheld' WHEN q.data_quality_issues IS NOT NULL THEN 'processed_with_issues' ELSE 'processed_successfully' END`,
    ],
    [
      'data_hash',
      hashNumbers(
        ctx,
        featureNames.map((name) => raw(`x.${name}`)),
      ),
    ],
    ['opponent_team_abbr', sql`x.opponent_team_abbr`],
    ['is_home', sql`x.is_home`],
    ['days_rest', ctx.fn.cast(sql`x.days_rest`, 'INT64')],
    ...lineageColumns(ctx, 'x.'),
    ['early_season_flag', early],
    ['insufficient_data_reason', sql`CASE WHEN ${early} THEN ${INSUFFICIENT_EARLY_SEASON} END`],
    ['expected_games_count', ctx.fn.cast(sql`COALESCE(x.expected_games, 0)`, 'INT64')],
    ['actual_games_count', ctx.fn.cast(sql`COALESCE(x.actual_games, 0)`, 'INT64')],
    ['missing_games_count', ctx.fn.cast(sql`COALESCE(x.expected_games - x.actual_games, 0)`, 'INT64')],
    ['completeness_percentage', ctx.fn.cast(completeness, 'FLOAT64')],
    ['is_production_ready', sql`COALESCE(NOT ${early} AND ${completeness} >= 90 AND ${allUpstreams}, FALSE)`],
    [
      'historical_completeness',
      structOf(ctx, [
        ['games_found', ctx.fn.cast(sql`x.games_found`, 'INT64')],
        ['games_expected', ctx.fn.cast(gamesExpected, 'INT64')],
        ['is_complete', sql`x.games_found >= ${gamesExpected}`],
        ['is_bootstrap', sql`x.games_found < 10`],
        ['contributing_game_dates', sql`x.contributing_game_dates`],
      ]),
    ],
    ['created_at', sql`COALESCE(x.existing_created_at, ${ctx.run.startedAt})`],
    ['vegas_line_source', sql`CASE WHEN x.vegas_points_line IS NULL THEN 'none' ELSE x.line_source END`],
  ])
  return columns
}

function finalSelect(ctx: ActionContext): SqlFragment {
  const builders = columnBuilders(ctx)
  const tracked = new Set<string>(Object.keys(FEATURE_STORE_TRACKING))
  const wanted = FEATURE_STORE_COLUMNS.filter((c) => !tracked.has(c.name)).map((c) => c.name)
  const unbuilt = wanted.filter((name) => !builders.has(name))
  const extra = [...builders.keys()].filter((name) => !wanted.includes(name))
  if (unbuilt.length || extra.length) {
    throw new Error(
      `ml_feature_store_v2 columns do not match the contract: no builder for ${unbuilt.join(', ') || '-'}; not in the contract: ${extra.join(', ') || '-'}`,
    )
  }
  return sql`SELECT ${joinWith(
    wanted.map((name) => sql`${builders.get(name) as SqlFragment} AS ${raw(name)}`),
    ',\n  ',
  )}
FROM fs_scored x
LEFT JOIN fs_issues q ON q.player_lookup = x.player_lookup AND q.game_date = x.game_date`
}

/** The whole query of one batch. */
export function featureStoreQuery(ctx: ActionContext): SqlFragment {
  const features: Entry[] = [...featureExpressions(ctx)]
  return sql`WITH ${rosterCtes(ctx)},
  ${playerHistoryCtes(ctx, 'roster')},
  ${teamHistoryCtes(ctx, 'roster')},
  ${lineSelectionCtes(ctx)},
  ${featureStoreInputCtes(ctx)},
  fs_existing AS (
    SELECT player_lookup, game_date, created_at FROM ${ctx.self()} WHERE ${inInterval(ctx, 'game_date')}
  ),
  ${valuesStage(ctx, features)},
  ${featuresStage(features)},
  ${completeStage(features)},
  ${scoredStage()},
  ${issuesCte(ctx)}
${finalSelect(ctx)}`
}

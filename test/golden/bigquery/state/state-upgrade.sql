CREATE SCHEMA IF NOT EXISTS `my-project.pipeline_state`;

CREATE TABLE IF NOT EXISTS `my-project.pipeline_state.state_version` (
  `version` INT64 NOT NULL,
  `description` STRING NOT NULL,
  `adopted` BOOL NOT NULL,
  `applied_at` TIMESTAMP NOT NULL,
  `build_commit_sha` STRING
);

CREATE TABLE IF NOT EXISTS `my-project.pipeline_state.runs` (
  `run_id` STRING NOT NULL,
  `command` STRING NOT NULL,
  `mode` STRING NOT NULL,
  `status` STRING NOT NULL,
  `started_at` TIMESTAMP NOT NULL,
  `finished_at` TIMESTAMP,
  `build_commit_sha` STRING NOT NULL,
  `deployment_revision` STRING NOT NULL,
  `engine` STRING NOT NULL,
  `selection` STRING,
  `from_date` DATE,
  `to_date` DATE,
  `skip_assertions` BOOL NOT NULL,
  `reason` STRING,
  `actions_succeeded` INT64,
  `actions_failed` INT64,
  `actions_skipped` INT64
)
CLUSTER BY `run_id`;

CREATE TABLE IF NOT EXISTS `my-project.pipeline_state.action_runs` (
  `run_id` STRING NOT NULL,
  `action` STRING NOT NULL,
  `kind` STRING NOT NULL,
  `status` STRING NOT NULL,
  `started_at` TIMESTAMP,
  `finished_at` TIMESTAMP,
  `duration_ms` INT64,
  `rows_written` INT64,
  `interval_start` DATE,
  `interval_end` DATE,
  `sql_hash` STRING,
  `build_commit_sha` STRING NOT NULL,
  `error_code` STRING,
  `error_message` STRING,
  `skipped_because` STRING
)
CLUSTER BY `run_id`, `action`;

CREATE TABLE IF NOT EXISTS `my-project.pipeline_state.intervals` (
  `action` STRING NOT NULL,
  `interval_start` DATE NOT NULL,
  `interval_end` DATE NOT NULL,
  `run_id` STRING NOT NULL,
  `build_commit_sha` STRING NOT NULL,
  `mode` STRING NOT NULL,
  `rows_written` INT64,
  `completed_at` TIMESTAMP NOT NULL
)
CLUSTER BY `action`;

CREATE TABLE IF NOT EXISTS `my-project.pipeline_state.assertion_results` (
  `run_id` STRING NOT NULL,
  `assertion` STRING NOT NULL,
  `action` STRING,
  `builtin` STRING,
  `partition_value` STRING,
  `observed` FLOAT64,
  `threshold` STRING,
  `row_count` INT64,
  `severity` STRING NOT NULL,
  `passed` BOOL NOT NULL,
  `skipped` BOOL NOT NULL,
  `message` STRING,
  `sample` JSON,
  `build_commit_sha` STRING NOT NULL,
  `evaluated_at` TIMESTAMP NOT NULL
)
CLUSTER BY `assertion`, `run_id`;

CREATE TABLE IF NOT EXISTS `my-project.pipeline_state.locks` (
  `name` STRING NOT NULL,
  `owner` STRING NOT NULL,
  `acquired_at` TIMESTAMP NOT NULL,
  `expires_at` TIMESTAMP NOT NULL
);

insert into `my-project.pipeline_state.state_version` (`version`, `description`, `adopted`, `applied_at`, `build_commit_sha`) select @v1 as `version`, @v2 as `description`, @v3 as `adopted`, CURRENT_TIMESTAMP() as `applied_at`, @v4 as `build_commit_sha` from (select 1 as `one`) as `seed` where not exists (select 1 as `one` from `my-project.pipeline_state.state_version` where `version` = @v5);
-- params: {"v1":1,"v2":"runs, action_runs, intervals, assertion_results and locks","v3":false,"v4":"sha-1","v5":1}

ALTER TABLE `my-project.pipeline_state.intervals`
  ADD COLUMN IF NOT EXISTS `verified` BOOL;

ALTER TABLE `my-project.pipeline_state.runs`
  ADD COLUMN IF NOT EXISTS `pid` INT64,
  ADD COLUMN IF NOT EXISTS `host` STRING;

insert into `my-project.pipeline_state.state_version` (`version`, `description`, `adopted`, `applied_at`, `build_commit_sha`) select @v1 as `version`, @v2 as `description`, @v3 as `adopted`, CURRENT_TIMESTAMP() as `applied_at`, @v4 as `build_commit_sha` from (select 1 as `one`) as `seed` where not exists (select 1 as `one` from `my-project.pipeline_state.state_version` where `version` = @v5);
-- params: {"v1":2,"v2":"intervals.verified (false: written with --skip-assertions); runs.pid and runs.host","v3":false,"v4":"sha-1","v5":2}

ALTER TABLE `my-project.pipeline_state.intervals`
  ADD COLUMN IF NOT EXISTS `verified_at` TIMESTAMP,
  ADD COLUMN IF NOT EXISTS `verified_by` STRING;

insert into `my-project.pipeline_state.state_version` (`version`, `description`, `adopted`, `applied_at`, `build_commit_sha`) select @v1 as `version`, @v2 as `description`, @v3 as `adopted`, CURRENT_TIMESTAMP() as `applied_at`, @v4 as `build_commit_sha` from (select 1 as `one`) as `seed` where not exists (select 1 as `one` from `my-project.pipeline_state.state_version` where `version` = @v5);
-- params: {"v1":3,"v2":"intervals.verified_at and intervals.verified_by: when and by which run an unverified interval passed its checks","v3":false,"v4":"sha-1","v5":3}

ALTER TABLE `my-project.pipeline_state.action_runs`
  ADD COLUMN IF NOT EXISTS `inputs_hash` STRING;

insert into `my-project.pipeline_state.state_version` (`version`, `description`, `adopted`, `applied_at`, `build_commit_sha`) select @v1 as `version`, @v2 as `description`, @v3 as `adopted`, CURRENT_TIMESTAMP() as `applied_at`, @v4 as `build_commit_sha` from (select 1 as `one`) as `seed` where not exists (select 1 as `one` from `my-project.pipeline_state.state_version` where `version` = @v5);
-- params: {"v1":4,"v2":"action_runs.inputs_hash: a standalone assertion's checks and the versions of what it read, when all its checks passed","v3":false,"v4":"sha-1","v5":4}

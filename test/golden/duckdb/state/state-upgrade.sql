CREATE SCHEMA IF NOT EXISTS "pipeline_state";

CREATE TABLE IF NOT EXISTS "pipeline_state"."state_version" (
  "version" BIGINT NOT NULL,
  "description" VARCHAR NOT NULL,
  "adopted" BOOLEAN NOT NULL,
  "applied_at" TIMESTAMP NOT NULL,
  "build_commit_sha" VARCHAR
);

CREATE TABLE IF NOT EXISTS "pipeline_state"."runs" (
  "run_id" VARCHAR NOT NULL,
  "command" VARCHAR NOT NULL,
  "mode" VARCHAR NOT NULL,
  "status" VARCHAR NOT NULL,
  "started_at" TIMESTAMP NOT NULL,
  "finished_at" TIMESTAMP,
  "build_commit_sha" VARCHAR NOT NULL,
  "deployment_revision" VARCHAR NOT NULL,
  "engine" VARCHAR NOT NULL,
  "selection" VARCHAR,
  "from_date" DATE,
  "to_date" DATE,
  "skip_assertions" BOOLEAN NOT NULL,
  "reason" VARCHAR,
  "actions_succeeded" BIGINT,
  "actions_failed" BIGINT,
  "actions_skipped" BIGINT
);

CREATE TABLE IF NOT EXISTS "pipeline_state"."action_runs" (
  "run_id" VARCHAR NOT NULL,
  "action" VARCHAR NOT NULL,
  "kind" VARCHAR NOT NULL,
  "status" VARCHAR NOT NULL,
  "started_at" TIMESTAMP,
  "finished_at" TIMESTAMP,
  "duration_ms" BIGINT,
  "rows_written" BIGINT,
  "interval_start" DATE,
  "interval_end" DATE,
  "sql_hash" VARCHAR,
  "build_commit_sha" VARCHAR NOT NULL,
  "error_code" VARCHAR,
  "error_message" VARCHAR,
  "skipped_because" VARCHAR
);

CREATE TABLE IF NOT EXISTS "pipeline_state"."intervals" (
  "action" VARCHAR NOT NULL,
  "interval_start" DATE NOT NULL,
  "interval_end" DATE NOT NULL,
  "run_id" VARCHAR NOT NULL,
  "build_commit_sha" VARCHAR NOT NULL,
  "mode" VARCHAR NOT NULL,
  "rows_written" BIGINT,
  "completed_at" TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS "pipeline_state"."assertion_results" (
  "run_id" VARCHAR NOT NULL,
  "assertion" VARCHAR NOT NULL,
  "action" VARCHAR,
  "builtin" VARCHAR,
  "partition_value" VARCHAR,
  "observed" DOUBLE,
  "threshold" VARCHAR,
  "row_count" BIGINT,
  "severity" VARCHAR NOT NULL,
  "passed" BOOLEAN NOT NULL,
  "skipped" BOOLEAN NOT NULL,
  "message" VARCHAR,
  "sample" JSON,
  "build_commit_sha" VARCHAR NOT NULL,
  "evaluated_at" TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS "pipeline_state"."locks" (
  "name" VARCHAR NOT NULL,
  "owner" VARCHAR NOT NULL,
  "acquired_at" TIMESTAMP NOT NULL,
  "expires_at" TIMESTAMP NOT NULL
);

insert into "pipeline_state"."state_version" ("version", "description", "adopted", "applied_at", "build_commit_sha") select $v1 as "version", $v2 as "description", $v3 as "adopted", CAST(current_timestamp AS TIMESTAMP) as "applied_at", $v4 as "build_commit_sha" from (select 1 as "one") as "seed" where not exists (select 1 as "one" from "pipeline_state"."state_version" where "version" = $v5);
-- params: {"v1":1,"v2":"runs, action_runs, intervals, assertion_results and locks","v3":false,"v4":"sha-1","v5":1}

ALTER TABLE "pipeline_state"."intervals" ADD COLUMN IF NOT EXISTS "verified" BOOLEAN;

ALTER TABLE "pipeline_state"."runs" ADD COLUMN IF NOT EXISTS "pid" BIGINT;

ALTER TABLE "pipeline_state"."runs" ADD COLUMN IF NOT EXISTS "host" VARCHAR;

insert into "pipeline_state"."state_version" ("version", "description", "adopted", "applied_at", "build_commit_sha") select $v1 as "version", $v2 as "description", $v3 as "adopted", CAST(current_timestamp AS TIMESTAMP) as "applied_at", $v4 as "build_commit_sha" from (select 1 as "one") as "seed" where not exists (select 1 as "one" from "pipeline_state"."state_version" where "version" = $v5);
-- params: {"v1":2,"v2":"intervals.verified (false: written with --skip-assertions); runs.pid and runs.host","v3":false,"v4":"sha-1","v5":2}

ALTER TABLE "pipeline_state"."intervals" ADD COLUMN IF NOT EXISTS "verified_at" TIMESTAMP;

ALTER TABLE "pipeline_state"."intervals" ADD COLUMN IF NOT EXISTS "verified_by" VARCHAR;

insert into "pipeline_state"."state_version" ("version", "description", "adopted", "applied_at", "build_commit_sha") select $v1 as "version", $v2 as "description", $v3 as "adopted", CAST(current_timestamp AS TIMESTAMP) as "applied_at", $v4 as "build_commit_sha" from (select 1 as "one") as "seed" where not exists (select 1 as "one" from "pipeline_state"."state_version" where "version" = $v5);
-- params: {"v1":3,"v2":"intervals.verified_at and intervals.verified_by: when and by which run an unverified interval passed its checks","v3":false,"v4":"sha-1","v5":3}

ALTER TABLE "pipeline_state"."action_runs" ADD COLUMN IF NOT EXISTS "inputs_hash" VARCHAR;

insert into "pipeline_state"."state_version" ("version", "description", "adopted", "applied_at", "build_commit_sha") select $v1 as "version", $v2 as "description", $v3 as "adopted", CAST(current_timestamp AS TIMESTAMP) as "applied_at", $v4 as "build_commit_sha" from (select 1 as "one") as "seed" where not exists (select 1 as "one" from "pipeline_state"."state_version" where "version" = $v5);
-- params: {"v1":4,"v2":"action_runs.inputs_hash: a standalone assertion's checks and the versions of what it read, when all its checks passed","v3":false,"v4":"sha-1","v5":4}

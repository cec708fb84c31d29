CREATE TABLE IF NOT EXISTS "pipeline_state"."locks" (
  "name" VARCHAR NOT NULL,
  "owner" VARCHAR NOT NULL,
  "acquired_at" TIMESTAMP NOT NULL,
  "expires_at" TIMESTAMP NOT NULL
);

insert into "pipeline_state"."locks" ("name", "owner", "acquired_at", "expires_at") select CAST($lock_name AS VARCHAR) as "name", CAST($free_owner AS VARCHAR) as "owner", CAST($epoch AS TIMESTAMP) as "acquired_at", CAST($epoch AS TIMESTAMP) as "expires_at" from (select 1 as "one") as "seed" where not exists (select 1 as "one" from "pipeline_state"."locks" where "name" = CAST($lock_name AS VARCHAR));

update "pipeline_state"."locks" set "owner" = CAST($owner AS VARCHAR), "acquired_at" = CAST($now AS TIMESTAMP), "expires_at" = CAST($expires_at AS TIMESTAMP) where "name" = CAST($lock_name AS VARCHAR) and not exists (select 1 as "one" from "pipeline_state"."locks" as "other" where "other"."name" = CAST($lock_name AS VARCHAR) and "other"."owner" <> CAST($owner AS VARCHAR) and "other"."expires_at" > CAST($now AS TIMESTAMP));

select "owner", "expires_at" from "pipeline_state"."locks" where "name" = CAST($lock_name AS VARCHAR) and "expires_at" > CAST($now AS TIMESTAMP) order by "expires_at" desc;

update "pipeline_state"."locks" set "expires_at" = CAST($expires_at AS TIMESTAMP) where "name" = CAST($lock_name AS VARCHAR) and "owner" = CAST($owner AS VARCHAR);

update "pipeline_state"."locks" set "expires_at" = CAST($now AS TIMESTAMP) where "name" = CAST($lock_name AS VARCHAR) and "owner" = CAST($owner AS VARCHAR);

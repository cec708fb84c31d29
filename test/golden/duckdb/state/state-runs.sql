insert into "pipeline_state"."runs" ("run_id", "command", "mode", "status", "started_at", "build_commit_sha", "deployment_revision", "engine", "selection", "from_date", "to_date", "skip_assertions", "reason", "pid", "host") values ($p1, $p2, $p3, $p4, CAST($p5 AS TIMESTAMP), $p6, $p7, $p8, null, CAST($p9 AS DATE), CAST(null AS DATE), $p10, null, $p11, $p12);
-- params: {"p1":"run-1","p2":"run","p3":"daily","p4":"running","p5":"2026-01-10T06:00:00.000Z","p6":"sha-1","p7":"rev-1","p8":"duckdb","p9":"2026-01-09","p10":false,"p11":4242,"p12":"runner-a"}

update "pipeline_state"."runs" set "status" = $p1, "finished_at" = CAST($p2 AS TIMESTAMP), "actions_succeeded" = $p3, "actions_failed" = $p4, "actions_skipped" = $p5 where "run_id" = $p6;
-- params: {"p1":"succeeded","p2":"2026-01-10T06:30:00.000Z","p3":2,"p4":0,"p5":1,"p6":"run-1"}

select "run_id", "build_commit_sha" from "pipeline_state"."runs" where "command" = $p1 and "selection" = $p2 and "from_date" = CAST($p3 AS DATE) and "to_date" = CAST($p4 AS DATE) and ("finished_at" is null or "status" <> $p5) order by "started_at";
-- params: {"p1":"backfill","p2":"[\"a\"]","p3":"2026-01-01","p4":"2026-01-05","p5":"succeeded"}

select "run_id", "build_commit_sha", "started_at" from "pipeline_state"."runs" where "mode" = $p1 and "command" = $p2 and "finished_at" is not null and "status" = $p3 order by "started_at" desc limit 1;
-- params: {"p1":"daily","p2":"run","p3":"succeeded"}

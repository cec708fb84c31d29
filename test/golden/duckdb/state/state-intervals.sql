select "interval_start", "interval_end" from "pipeline_state"."intervals" where "action" = $p1 and "run_id" in ($p2, $p3) order by "interval_start";
-- params: {"p1":"orders_daily","p2":"run-1","p3":"run-2"}

select "action", "interval_start", "interval_end" from "pipeline_state"."intervals" where "action" in ($p1, $p2) and "run_id" in ($p3) order by "action", "interval_start";
-- params: {"p1":"orders_daily","p2":"orders_log","p3":"run-1"}

insert into "pipeline_state"."intervals" ("action", "interval_start", "interval_end", "run_id", "build_commit_sha", "mode", "rows_written", "completed_at", "verified") values ('orders_daily', CAST('2026-01-09' AS DATE), CAST('2026-01-10' AS DATE), 'run-1', 'sha-1', 'daily', 40, CAST(current_timestamp AS TIMESTAMP), true);

delete from "pipeline_state"."intervals" where "action" = 'orders_daily' and "interval_start" >= CAST('2026-01-01' AS DATE) and "interval_end" <= CAST('2026-01-10' AS DATE);

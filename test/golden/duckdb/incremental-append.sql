CREATE OR REPLACE TEMP TABLE "temp"."shop__orders_log__staging" AS
SELECT q.*, CAST($run_id AS VARCHAR) AS "run_id", CAST($run_started_at AS TIMESTAMP) AS "loaded_at"
FROM (

    select order_date, customer_id, amount from "raw"."raw_orders"
    where order_date >= CAST($interval_start AS DATE) and order_date < CAST($interval_end AS DATE)
) AS q;

SELECT COUNT(*) AS n FROM "temp"."shop__orders_log__staging" WHERE "order_date" IS NULL OR "order_date" < CAST($interval_start AS DATE) OR "order_date" >= CAST($interval_end AS DATE);

SELECT COUNT(*) AS n FROM "temp"."shop__orders_log__staging";

INSERT INTO "shop"."orders_log" ("order_date", "customer_id", "amount", "run_id", "loaded_at")
SELECT "order_date", "customer_id", "amount", "run_id", "loaded_at" FROM (
SELECT * FROM "temp"."shop__orders_log__staging"
) AS q;

DROP TABLE IF EXISTS "shop"."orders_log__staging";

DROP TABLE IF EXISTS "temp"."shop__orders_log__staging";

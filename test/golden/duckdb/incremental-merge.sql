CREATE OR REPLACE TEMP TABLE "temp"."shop__customer_totals__staging" AS

    select order_date, customer_id, amount from "shop"."orders_daily"
    where order_date >= CAST($interval_start AS DATE) and order_date < CAST($interval_end AS DATE);

SELECT COUNT(*) AS n FROM "temp"."shop__customer_totals__staging" WHERE CASE WHEN "order_date" IS NULL THEN 1 ELSE 0 END + CASE WHEN "customer_id" IS NULL THEN 1 ELSE 0 END > 0;

SELECT COUNT(*) AS n FROM "temp"."shop__customer_totals__staging" WHERE "order_date" IS NULL OR "order_date" < CAST($interval_start AS DATE) OR "order_date" >= CAST($interval_end AS DATE);

SELECT COUNT(*) AS n FROM "temp"."shop__customer_totals__staging";

MERGE INTO "shop"."customer_totals" AS t
USING "temp"."shop__customer_totals__staging" AS s
ON t."order_date" = s."order_date" AND t."customer_id" = s."customer_id"
WHEN MATCHED THEN UPDATE SET "amount" = s."amount"
WHEN NOT MATCHED THEN INSERT ("order_date", "customer_id", "amount") VALUES (s."order_date", s."customer_id", s."amount");

DROP TABLE IF EXISTS "shop"."customer_totals__staging";

DROP TABLE IF EXISTS "temp"."shop__customer_totals__staging";

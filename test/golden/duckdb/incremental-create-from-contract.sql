CREATE SCHEMA IF NOT EXISTS "shop";

CREATE TABLE IF NOT EXISTS "shop"."orders_daily" (
  "order_date" DATE NOT NULL,
  "customer_id" BIGINT NOT NULL,
  "orders" BIGINT,
  "amount" DOUBLE,
  "build_commit_sha" VARCHAR NOT NULL,
  "run_id" VARCHAR NOT NULL
);

CREATE OR REPLACE TEMP TABLE "temp"."shop__orders_daily__staging" AS
SELECT q.*, CAST($build_commit_sha AS VARCHAR) AS "build_commit_sha", CAST($run_id AS VARCHAR) AS "run_id"
FROM (

    select o.order_date, o.customer_id, count(*) as orders, sum(o.amount) as amount
    from "raw"."raw_orders" o
    join "shop"."customers" c on c.customer_id = o.customer_id
    where o.order_date >= CAST($interval_start AS DATE) and o.order_date < CAST($interval_end AS DATE)
      and o.amount >= 0
    group by o.order_date, o.customer_id
) AS q;

SELECT COUNT(*) AS n FROM "temp"."shop__orders_daily__staging" WHERE CASE WHEN "order_date" IS NULL THEN 1 ELSE 0 END + CASE WHEN "customer_id" IS NULL THEN 1 ELSE 0 END + CASE WHEN "build_commit_sha" IS NULL THEN 1 ELSE 0 END + CASE WHEN "run_id" IS NULL THEN 1 ELSE 0 END > 0;

SELECT COUNT(*) AS n FROM "temp"."shop__orders_daily__staging" WHERE "order_date" IS NULL OR "order_date" < CAST($interval_start AS DATE) OR "order_date" >= CAST($interval_end AS DATE);

SELECT partition_value, observed, row_count,
  row_count < 1 OR COALESCE(observed = 0, FALSE) AS passed,
  row_count < 1 AS skipped
FROM (
  SELECT keyed.partition_value AS partition_value,
    CAST(COALESCE(SUM(key_rows) - COUNT(*), 0) AS DOUBLE) AS observed,
    COALESCE(SUM(key_rows), 0) AS row_count
  FROM (
    SELECT CAST("order_date" AS VARCHAR) AS partition_value, COUNT(*) AS key_rows
    FROM "temp"."shop__orders_daily__staging"
    WHERE "order_date" >= CAST($interval_start AS DATE) AND "order_date" < CAST($interval_end AS DATE)
    GROUP BY CAST("order_date" AS VARCHAR), "order_date", "customer_id"
  ) AS keyed
  GROUP BY 1
) AS summary;

SELECT COUNT(*) AS n FROM "temp"."shop__orders_daily__staging";

DELETE FROM "shop"."orders_daily"
WHERE "order_date" >= CAST($interval_start AS DATE) AND "order_date" < CAST($interval_end AS DATE);

INSERT INTO "shop"."orders_daily" ("order_date", "customer_id", "orders", "amount", "build_commit_sha", "run_id")
SELECT "order_date", "customer_id", "orders", "amount", "build_commit_sha", "run_id" FROM (
SELECT * FROM "temp"."shop__orders_daily__staging"
) AS q;

DROP TABLE IF EXISTS "shop"."orders_daily__staging";

DROP TABLE IF EXISTS "temp"."shop__orders_daily__staging";

CREATE OR REPLACE TABLE "shop"."customers__staging" AS
select customer_id, upper(country) as country from "raw"."raw_customers";

BEGIN TRANSACTION;

DROP TABLE IF EXISTS "shop"."customers";

ALTER TABLE "shop"."customers__staging" RENAME TO "customers";

COMMIT;

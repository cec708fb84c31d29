CREATE TABLE IF NOT EXISTS "shop"."orders_daily" (
  "order_date" DATE NOT NULL,
  "customer_id" BIGINT NOT NULL,
  "orders" BIGINT,
  "amount" DOUBLE,
  "build_commit_sha" VARCHAR NOT NULL,
  "run_id" VARCHAR NOT NULL
);

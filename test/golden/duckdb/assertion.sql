SELECT CAST("order_date" AS VARCHAR) AS partition_value, CAST(COUNT(*) AS DOUBLE) AS observed, COUNT(*) AS row_count,
  FALSE AS passed, FALSE AS skipped
FROM (
select order_date, customer_id, amount from "shop"."orders_daily" where amount <= 0
) AS offending
GROUP BY 1;

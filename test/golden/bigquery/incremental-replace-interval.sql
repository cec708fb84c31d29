CREATE OR REPLACE TABLE `shop.orders_daily__staging`
AS
SELECT q.*, @build_commit_sha AS `build_commit_sha`, @run_id AS `run_id`
FROM (

    select o.order_date, o.customer_id, count(*) as orders, sum(o.amount) as amount
    from `raw.raw_orders` o
    join `shop.customers` c on c.customer_id = o.customer_id
    where o.order_date >= CAST(@interval_start AS DATE) and o.order_date < CAST(@interval_end AS DATE)
      and o.amount >= 0
    group by o.order_date, o.customer_id
) AS q;

BEGIN TRANSACTION;
DELETE FROM `shop.orders_daily`
WHERE `order_date` >= CAST(@interval_start AS DATE) AND `order_date` < CAST(@interval_end AS DATE);
INSERT INTO `shop.orders_daily` (`order_date`, `customer_id`, `orders`, `amount`, `build_commit_sha`, `run_id`)
SELECT `order_date`, `customer_id`, `orders`, `amount`, `build_commit_sha`, `run_id` FROM (
SELECT * FROM `shop.orders_daily__staging`
) AS q;
COMMIT TRANSACTION;;

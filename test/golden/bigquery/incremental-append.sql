CREATE OR REPLACE TABLE `shop.orders_log__staging`
AS
SELECT q.*, @run_id AS `run_id`, CAST(@run_started_at AS TIMESTAMP) AS `loaded_at`
FROM (

    select order_date, customer_id, amount from `raw.raw_orders`
    where order_date >= CAST(@interval_start AS DATE) and order_date < CAST(@interval_end AS DATE)
) AS q;

BEGIN TRANSACTION;
INSERT INTO `shop.orders_log` (`order_date`, `customer_id`, `amount`)
SELECT `order_date`, `customer_id`, `amount` FROM (
SELECT * FROM `shop.orders_log__staging`
) AS q;
COMMIT TRANSACTION;;

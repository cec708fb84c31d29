CREATE OR REPLACE TABLE `shop.orders_log__staging`
AS
SELECT q.*, @run_id AS `run_id`, @run_started_at AS `loaded_at`
FROM (

    select order_date, customer_id, amount from `raw.raw_orders`
    where order_date >= @interval_start and order_date < @interval_end
) AS q;

BEGIN TRANSACTION;
INSERT INTO `shop.orders_log` (`order_date`, `customer_id`, `amount`)
SELECT `order_date`, `customer_id`, `amount` FROM (
SELECT * FROM `shop.orders_log__staging`
) AS q;
COMMIT TRANSACTION;;

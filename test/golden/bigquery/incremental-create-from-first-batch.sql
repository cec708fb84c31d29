CREATE SCHEMA IF NOT EXISTS `shop`;

CREATE OR REPLACE TABLE `shop.orders_log__staging_run_golden`
OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 48 HOUR))
AS
SELECT q.*, @run_id AS `run_id`, CAST(@run_started_at AS TIMESTAMP) AS `loaded_at`
FROM (

    select order_date, customer_id, amount from `raw.raw_orders`
    where order_date >= CAST(@interval_start AS DATE) and order_date < CAST(@interval_end AS DATE)
) AS q;

SELECT COUNT(*) AS n FROM `shop.orders_log__staging_run_golden` WHERE `order_date` IS NULL OR `order_date` < CAST(@interval_start AS DATE) OR `order_date` >= CAST(@interval_end AS DATE);

CREATE TABLE `shop.orders_log`
PARTITION BY `order_date`
AS
SELECT * FROM (
SELECT * FROM `shop.orders_log__staging_run_golden`
) AS limited LIMIT 0;

SELECT COUNT(*) AS n FROM `shop.orders_log__staging_run_golden`;

INSERT INTO `shop.orders_log`
SELECT * FROM `shop.orders_log__staging_run_golden`;

DROP TABLE IF EXISTS `shop.orders_log__staging_run_golden`;

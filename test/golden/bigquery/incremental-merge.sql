CREATE SCHEMA IF NOT EXISTS `shop`;

CREATE OR REPLACE TABLE `shop.customer_totals__staging_run_golden`
OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 48 HOUR))
AS

    select order_date, customer_id, amount from `shop.orders_daily`
    where order_date >= CAST(@interval_start AS DATE) and order_date < CAST(@interval_end AS DATE);

SELECT COUNT(*) AS n FROM `shop.customer_totals__staging_run_golden` WHERE CASE WHEN `order_date` IS NULL THEN 1 ELSE 0 END + CASE WHEN `customer_id` IS NULL THEN 1 ELSE 0 END > 0;

SELECT COUNT(*) AS n FROM `shop.customer_totals__staging_run_golden` WHERE `order_date` IS NULL OR `order_date` < CAST(@interval_start AS DATE) OR `order_date` >= CAST(@interval_end AS DATE);

SELECT COUNT(*) AS n FROM `shop.customer_totals__staging_run_golden`;

MERGE INTO `shop.customer_totals` AS t
USING `shop.customer_totals__staging_run_golden` AS s
ON t.`order_date` = s.`order_date` AND t.`customer_id` = s.`customer_id` AND t.`order_date` >= CAST(@interval_start AS DATE) AND t.`order_date` < CAST(@interval_end AS DATE)
WHEN MATCHED THEN UPDATE SET `amount` = s.`amount`
WHEN NOT MATCHED THEN INSERT (`order_date`, `customer_id`, `amount`) VALUES (s.`order_date`, s.`customer_id`, s.`amount`);

DROP TABLE IF EXISTS `shop.customer_totals__staging_run_golden`;

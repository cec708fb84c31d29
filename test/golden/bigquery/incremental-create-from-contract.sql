CREATE TABLE IF NOT EXISTS `shop.orders_daily` (
  `order_date` DATE NOT NULL,
  `customer_id` INT64 NOT NULL,
  `orders` INT64,
  `amount` FLOAT64,
  `build_commit_sha` STRING NOT NULL,
  `run_id` STRING NOT NULL
)
PARTITION BY `order_date`
CLUSTER BY `customer_id`
OPTIONS (require_partition_filter = TRUE);

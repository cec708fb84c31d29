CREATE OR REPLACE TABLE `shop.customers__staging`
AS
select customer_id, upper(country) as country from `raw.raw_customers`;

BEGIN TRANSACTION;
CREATE OR REPLACE TABLE `shop.customers`
AS
SELECT * FROM `shop.customers__staging`;
COMMIT TRANSACTION;;

DROP TABLE IF EXISTS `shop.customers__staging`;

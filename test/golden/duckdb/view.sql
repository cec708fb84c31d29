CREATE OR REPLACE VIEW "shop"."customer_countries" AS
select country, count(*) as customers from "shop"."customers" group by country;

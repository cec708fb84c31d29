select count(*) from `shop.orders_daily`;

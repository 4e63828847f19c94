-- dbagent: dialect=sqlite
-- Marketing wants the orders placed with one coupon. orders.coupon_code has no index, so the whole
-- orders table is read to return a few dozen rows.
SELECT id, customer_id, ordered_at, total_cents
FROM orders
WHERE coupon_code = 'SPRING24';

-- dbagent: dialect=postgres
-- Good: the order history page. idx_orders_customer_ordered_at serves both the filter and the order.
SELECT id, status, ordered_at, total_cents
FROM orders
WHERE customer_id = 1815
ORDER BY ordered_at DESC;

-- dbagent: dialect=mysql
-- Which orders had one product? The product is found through its unique sku, but order_items.product_id
-- has no index: the inner side of the join reads every order line to find the few dozen that match.
SELECT oi.order_id, oi.quantity, oi.unit_price_cents
FROM products p
JOIN order_items oi ON oi.product_id = p.id
WHERE p.sku = 'SKU-000777';

-- A customer's activity log: events.customer_id has no index either.
SELECT e.kind, e.occurred_at, e.payload
FROM customers c
JOIN events e ON e.customer_id = c.id
WHERE c.email = 'ada.lovelace.1815@example.com';

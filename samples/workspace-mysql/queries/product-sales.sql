-- dbagent: dialect=mysql
-- Who bought one product? The product is found through its unique sku, but order_items.product_id has
-- no index: the inner side of the join reads every order line.
SELECT o.id, o.ordered_at, oi.quantity, oi.unit_price_cents
FROM products p
JOIN order_items oi ON oi.product_id = p.id
JOIN orders o ON o.id = oi.order_id
WHERE p.sku = 'SKU-001234';

-- A customer's activity log: events.customer_id has no index either.
SELECT e.kind, e.occurred_at, e.payload
FROM customers c
JOIN events e ON e.customer_id = c.id
WHERE c.email = 'ada.lovelace.1815@example.com';

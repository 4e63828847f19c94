-- dbagent: dialect=postgres
-- Good: one order with its lines and products, every step through a primary key or an index.
SELECT o.id, o.status, p.sku, p.name, oi.quantity, oi.unit_price_cents
FROM orders o
JOIN order_items oi ON oi.order_id = o.id
JOIN products p ON p.id = oi.product_id
WHERE o.id = 1234;

-- Good: the customer behind a login, through the unique index on email.
SELECT id, first_name, last_name, status
FROM customers
WHERE email = 'ada.lovelace.1815@example.com';

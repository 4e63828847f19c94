-- dbagent: dialect=mysql
-- Good: the newest orders for the back office, read in index order and stopped after 50 rows.
SELECT id, customer_id, status, ordered_at
FROM orders
WHERE ordered_at >= '2025-06-01'
ORDER BY ordered_at
LIMIT 50;

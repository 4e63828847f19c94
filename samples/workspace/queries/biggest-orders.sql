-- dbagent: dialect=sqlite
-- The finance report: delivered orders, biggest first. Nothing indexes total_cents, so every delivered
-- order is sorted before the first row comes back.
SELECT id, customer_id, total_cents, ordered_at
FROM orders
WHERE status = 'delivered'
ORDER BY total_cents DESC;

-- dbagent: dialect=sqlite
-- The indexes the application's main screens need. Deliberately missing: orders.coupon_code,
-- orders.total_cents, order_items.product_id and events.customer_id (the sample queries show what that costs).
CREATE INDEX idx_orders_customer_ordered_at ON orders (customer_id, ordered_at);
CREATE INDEX idx_orders_ordered_at ON orders (ordered_at);
CREATE INDEX idx_order_items_order_id ON order_items (order_id);
CREATE INDEX idx_customers_last_name ON customers (last_name);
CREATE INDEX idx_events_occurred_at ON events (occurred_at);

-- The advisor benchmark's workload: 35 queries over the generated shop (see Program.cs for the data).
-- equality
SELECT * FROM customers WHERE email = 'user4242@example.com';
-- expression: a case-insensitive lookup
SELECT id, country FROM customers WHERE lower(email) = 'user777@example.com';
-- equality + ORDER BY ... LIMIT
SELECT id, status, total FROM orders WHERE customer_id = 4242 ORDER BY created_at DESC LIMIT 10;
-- two equalities
SELECT * FROM orders WHERE customer_id = 1234 AND status = 'pending';
-- range
SELECT count(*) FROM orders WHERE created_at >= '2024-06-01' AND created_at < '2024-06-02';
-- a rare status, newest first
SELECT id, total FROM orders WHERE status = 'disputed' ORDER BY created_at DESC LIMIT 50;
-- a rare status and a range
SELECT count(*) FROM orders WHERE status = 'refunded' AND created_at >= '2024-06-01';
-- covering read: an aggregate over a popular product
SELECT sum(quantity) FROM order_items WHERE product_id = 3;
-- join key lookup
SELECT * FROM order_items WHERE order_id = 777777;
-- join with filters on both sides
SELECT o.id, o.total, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.country = 'NZ' AND o.created_at >= '2024-12-20';
-- join + GROUP BY
SELECT p.name, sum(oi.quantity) FROM order_items oi JOIN products p ON p.id = oi.product_id WHERE p.category_id = 7 GROUP BY p.name;
-- three columns: two equalities and a range
SELECT id FROM orders WHERE customer_id = 99 AND status = 'delivered' AND created_at >= '2024-03-01';
-- GROUP BY after an equality
SELECT status, count(*) FROM orders WHERE customer_id = 555 GROUP BY status;
-- ORDER BY ... LIMIT alone
SELECT * FROM orders ORDER BY created_at DESC LIMIT 20;
-- equality + descending sort on another column
SELECT * FROM products WHERE category_id = 12 ORDER BY price DESC LIMIT 10;
-- equality + sort, covering two columns
SELECT id, email FROM customers WHERE country = 'IS' ORDER BY created_at DESC LIMIT 20;
-- equality + range on a popular product
SELECT order_id, quantity FROM order_items WHERE product_id = 5000 AND quantity > 8;
-- top-N by amount
SELECT id, customer_id, total FROM orders WHERE total > 990 ORDER BY total DESC LIMIT 10;
-- range over dates
SELECT email FROM customers WHERE created_at BETWEEN '2023-05-01' AND '2023-05-03';
-- IN list + sort
SELECT id FROM orders WHERE customer_id IN (10, 20, 30) ORDER BY created_at DESC;
-- range on a join key + GROUP BY
SELECT product_id, sum(quantity) FROM order_items WHERE order_id BETWEEN 1000 AND 2000 GROUP BY product_id;
-- equality on a name
SELECT * FROM products WHERE name = 'Product 4242';
-- equality + range, count
SELECT count(*) FROM customers WHERE country = 'DE' AND created_at > '2024-06-01';
-- two equalities + sort + LIMIT
SELECT id, created_at FROM orders WHERE status = 'pending' AND customer_id = 8000 ORDER BY created_at DESC LIMIT 5;
-- equality + range, aggregate
SELECT avg(total) FROM orders WHERE customer_id = 321 AND created_at >= '2024-01-01';
-- a rare status counted per day
SELECT date_trunc('day', created_at), count(*) FROM orders WHERE status = 'disputed' AND created_at >= '2024-11-01' GROUP BY 1;
-- the same shape with other constants: grouped with #3
SELECT id, status, total FROM orders WHERE customer_id = 77 ORDER BY created_at DESC LIMIT 10;
-- items of one order, with the product
SELECT oi.quantity, p.name FROM order_items oi JOIN products p ON p.id = oi.product_id WHERE oi.order_id = 123456;
-- three keys, one descending: status, then newest first, then cheapest first
SELECT id, created_at, total FROM orders WHERE status = 'shipped' ORDER BY created_at DESC, total ASC LIMIT 20;
-- covering read of a popular product: every column from the index
SELECT order_id, quantity, price FROM order_items WHERE product_id = 7;
-- a month's revenue per customer, read from the index alone
SELECT customer_id, sum(total) FROM orders WHERE created_at >= '2024-12-01' GROUP BY customer_id;
-- Where a two-column index falls short (Dexter 0.4.3 proposes at most two key columns, no INCLUDE, no DESC, no WHERE):
-- three keys, two equalities and the order: the newest orders of a popular product bought in tens
SELECT order_id FROM order_items WHERE product_id = 1 AND quantity = 10 ORDER BY order_id DESC LIMIT 20;
-- covering read that needs INCLUDE: the sum is read from the index alone
SELECT sum(total) FROM orders WHERE status = 'shipped' AND created_at >= '2024-07-01';
-- mixed directions: per status, the biggest orders first
SELECT id, status, total FROM orders ORDER BY status, total DESC LIMIT 20;
-- a rare status, summed: a small index on those rows answers it
SELECT sum(total) FROM orders WHERE status = 'refunded';

-- dbagent: dialect=mysql
-- Case-insensitive login lookup. lower() around the column hides it from the unique index on email, so every
-- customer is read. The column's collation (utf8mb4_general_ci) already compares case-insensitively: drop lower().
SELECT id, first_name, last_name, status
FROM customers
WHERE lower(email) = 'ada.lovelace.1815@example.com';

-- dbagent: dialect=postgres
-- Case-insensitive login lookup. lower() around the column hides it from the unique index on email,
-- so every customer is read; an expression index on lower(email) (or storing emails lower-cased) fixes it.
SELECT id, first_name, last_name, status
FROM customers
WHERE lower(email) = 'ada.lovelace.1815@example.com';

-- dbagent: dialect=postgres
-- Search box "ends with". A pattern that starts with % cannot use idx_customers_last_name.
SELECT id, first_name, last_name, email
FROM customers
WHERE last_name LIKE '%son';

DROP SCHEMA IF EXISTS rec CASCADE; CREATE SCHEMA rec; SET search_path = rec;
CREATE TABLE customers(id serial PRIMARY KEY, email text NOT NULL UNIQUE, country text, created_at timestamptz DEFAULT now());
CREATE TABLE orders(id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), status text NOT NULL, total numeric(10,2) CHECK (total >= 0), created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX ix_orders_customer ON orders(customer_id);
INSERT INTO customers(email, country) SELECT 'c'||g||'@x.org', (ARRAY['se','de','fr','us'])[1+g%4] FROM generate_series(1,5000) g;
INSERT INTO orders(customer_id, status, total, created_at) SELECT 1+g%5000, (ARRAY['paid','new','shipped','cancelled'])[1+g%4], g%500, now() - (g||' minutes')::interval FROM generate_series(1,100000) g;
ANALYZE customers; ANALYZE orders;

-- dbagent: dialect=sqlite
-- Customers of the shop. email is unique (and indexed through its constraint); nothing else is indexed yet.
CREATE TABLE customers (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL,
    first_name     TEXT    NOT NULL,
    last_name      TEXT    NOT NULL,
    country        TEXT    NOT NULL,
    city           TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
    loyalty_points INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT    NOT NULL,
    CONSTRAINT uq_customers_email UNIQUE (email)
);

-- dbagent: dialect=sqlite
-- Audit log of what customers did. Append-only; customer_id and order_id are optional.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER REFERENCES customers (id),
    order_id    INTEGER REFERENCES orders (id),
    kind        TEXT    NOT NULL,
    payload     TEXT    NOT NULL DEFAULT '{}',
    occurred_at TEXT    NOT NULL
);

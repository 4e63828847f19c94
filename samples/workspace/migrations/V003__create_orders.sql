-- dbagent: dialect=sqlite
-- One row per checkout. coupon_code is mostly NULL: a filter on one code is very selective.
CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers (id),
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
    ordered_at       TEXT    NOT NULL,
    shipped_at       TEXT,
    total_cents      INTEGER NOT NULL CHECK (total_cents >= 0),
    shipping_country TEXT    NOT NULL,
    coupon_code      TEXT
);

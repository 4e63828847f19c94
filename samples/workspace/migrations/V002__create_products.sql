-- dbagent: dialect=sqlite
-- The catalogue. sku is the business key.
CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    sku         TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    stock       INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    CONSTRAINT uq_products_sku UNIQUE (sku)
);

-- dbagent: dialect=mysql
-- The lines of an order, with the price paid at the time. InnoDB indexes every foreign key column by itself,
-- so product_id is kept without a constraint here to match the other engines' sample (no index on it).
CREATE TABLE order_items (
    id               BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_id         BIGINT NOT NULL,
    product_id       BIGINT NOT NULL,
    quantity         INT    NOT NULL CHECK (quantity > 0),
    unit_price_cents INT    NOT NULL CHECK (unit_price_cents >= 0),
    CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

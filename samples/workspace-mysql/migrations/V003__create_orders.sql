-- dbagent: dialect=mysql
-- One row per checkout. coupon_code is mostly NULL: a filter on one code is very selective.
CREATE TABLE orders (
    id               BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id      BIGINT      NOT NULL,
    status           ENUM('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded') NOT NULL,
    ordered_at       DATETIME    NOT NULL,
    shipped_at       DATETIME    NULL,
    total_cents      BIGINT      NOT NULL CHECK (total_cents >= 0),
    shipping_country CHAR(2)     NOT NULL,
    coupon_code      VARCHAR(32) NULL,
    CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- dbagent: dialect=mysql
-- The catalogue. sku is the business key.
CREATE TABLE products (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sku         VARCHAR(32)  NOT NULL,
    name        VARCHAR(200) NOT NULL,
    category    VARCHAR(50)  NOT NULL,
    price_cents INT          NOT NULL CHECK (price_cents >= 0),
    stock       INT          NOT NULL DEFAULT 0,
    created_at  DATETIME     NOT NULL,
    CONSTRAINT uq_products_sku UNIQUE (sku)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- dbagent: dialect=mysql
-- Audit log of what customers did. Append-only; customer_id and order_id are optional and, as on the
-- other engines, not indexed (so no foreign key constraints, which InnoDB would index).
CREATE TABLE events (
    id          BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT      NULL,
    order_id    BIGINT      NULL,
    kind        VARCHAR(32) NOT NULL,
    payload     JSON        NOT NULL,
    occurred_at DATETIME    NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

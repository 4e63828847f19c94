-- dbagent: dialect=mysql
-- Customers of the shop. email is unique (and indexed through its constraint); nothing else is indexed yet.
CREATE TABLE customers (
    id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email          VARCHAR(255) NOT NULL,
    first_name     VARCHAR(100) NOT NULL,
    last_name      VARCHAR(100) NOT NULL,
    country        CHAR(2)      NOT NULL,
    city           VARCHAR(100) NOT NULL,
    status         ENUM('active', 'suspended', 'closed') NOT NULL DEFAULT 'active',
    loyalty_points INT          NOT NULL DEFAULT 0,
    created_at     DATETIME     NOT NULL,
    CONSTRAINT uq_customers_email UNIQUE (email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

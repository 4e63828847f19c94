DROP TABLE IF EXISTS orders; DROP TABLE IF EXISTS customers;
CREATE TABLE customers(id int AUTO_INCREMENT PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, country char(2), created_at datetime DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB;
CREATE TABLE orders(id bigint AUTO_INCREMENT PRIMARY KEY, customer_id int NOT NULL, status varchar(20) NOT NULL, total decimal(10,2) CHECK (total >= 0), created_at datetime NOT NULL, KEY ix_orders_customer(customer_id), CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers(id)) ENGINE=InnoDB;
INSERT INTO customers(email, country) SELECT CONCAT('c', seq, '@x.org'), ELT(1 + seq % 4, 'se','de','fr','us') FROM seq_1_to_5000;
INSERT INTO orders(customer_id, status, total, created_at) SELECT 1 + seq % 5000, ELT(1 + seq % 4, 'paid','new','shipped','cancelled'), seq % 500, NOW() - INTERVAL seq MINUTE FROM seq_1_to_100000;
ANALYZE TABLE customers, orders;

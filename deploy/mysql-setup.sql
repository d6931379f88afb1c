-- The database and user Herald needs on MySQL 8 or MariaDB 10.6+. Run it once as an
-- administrator:  mysql -h127.0.0.1 -uroot < deploy/mysql-setup.sql
--
-- The password below is the one config/local1..3.conf use on a developer machine. For any
-- shared database, change it here and pass the new one as HERALD_DB_PASSWORD.

CREATE DATABASE IF NOT EXISTS herald CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

CREATE USER IF NOT EXISTS 'herald'@'localhost' IDENTIFIED BY 'herald-local';
CREATE USER IF NOT EXISTS 'herald'@'%' IDENTIFIED BY 'herald-local';

-- Reads and writes for the journal, snapshots, projection offsets and read models, and the DDL
-- that the node's Flyway migrations run at start-up. Nothing outside the herald database.
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES
  ON herald.* TO 'herald'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES
  ON herald.* TO 'herald'@'%';

-- A subscriber partition's snapshot is one row of a few hundred bytes per subscriber it holds
-- (about 6 MB for 30,000). Servers default to a 16 MB max_allowed_packet (MariaDB) or 64 MB
-- (MySQL 8); give large accounts room. In the server's configuration, or until a restart:
SET GLOBAL max_allowed_packet = 268435456;

-- Segment counts read every subscriber of an account: keep the read model in memory. It takes
-- about 450 MB per million subscribers (subscribers and list_members with their indexes); the
-- servers' default buffer pool is 128 MB. Size it to the data, in the server's configuration
-- (innodb_buffer_pool_size) or, until a restart:
SET GLOBAL innodb_buffer_pool_size = 1073741824;

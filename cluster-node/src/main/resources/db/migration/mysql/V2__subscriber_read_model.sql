-- The subscriber read model, written by SubscriberProjection and read by the gateway through
-- JdbcSubscriberDirectory. Every key starts with account_id: no query crosses accounts.
--
-- Timestamps are UTC without a zone: both vendors then store and return the same wall-clock
-- value whatever the server's or the driver's time zone, and the code converts at the edge.
-- Text compares byte for byte (utf8mb4_bin), as on H2: ids sort as the code sorts them, and two
-- addresses that differ only in the case of the local part are two subscribers.

CREATE TABLE subscribers (
  account_id VARCHAR(128) NOT NULL,
  id VARCHAR(32) NOT NULL,
  email VARCHAR(320) NOT NULL,
  name TEXT,
  -- A JSON object, as text: only the gateway interprets it.
  attributes MEDIUMTEXT NOT NULL,
  status VARCHAR(16) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (account_id, id),
  UNIQUE KEY subscribers_email_uq (account_id, email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per (list, subscriber). The primary key is also the index of the members page: equal
-- account and list, then subscriber ids in ascending order from a cursor.
CREATE TABLE list_members (
  account_id VARCHAR(128) NOT NULL,
  list_id VARCHAR(128) NOT NULL,
  subscriber_id VARCHAR(32) NOT NULL,
  status VARCHAR(16) NOT NULL,
  since DATETIME(6) NOT NULL,
  PRIMARY KEY (account_id, list_id, subscriber_id),
  -- Every membership of given subscribers: read for a page, replaced or deleted by the
  -- projection.
  KEY list_members_subscriber_idx (account_id, subscriber_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

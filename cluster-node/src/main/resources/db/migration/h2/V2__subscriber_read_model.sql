-- The subscriber read model, written by SubscriberProjection and read by the gateway through
-- JdbcSubscriberDirectory. Every key starts with account_id: no query crosses accounts.
--
-- Timestamps are UTC without a zone: both vendors then store and return the same wall-clock
-- value whatever the server's or the driver's time zone, and the code converts at the edge.

CREATE TABLE subscribers (
  account_id VARCHAR(128) NOT NULL,
  id VARCHAR(32) NOT NULL,
  email VARCHAR(320) NOT NULL,
  name VARCHAR,
  -- A JSON object, as text: only the gateway interprets it.
  attributes VARCHAR NOT NULL,
  status VARCHAR(16) NOT NULL,
  created_at TIMESTAMP(6) NOT NULL,
  updated_at TIMESTAMP(6) NOT NULL,
  CONSTRAINT subscribers_pk PRIMARY KEY (account_id, id),
  CONSTRAINT subscribers_email_uq UNIQUE (account_id, email)
);

-- One row per (list, subscriber). The primary key is also the index of the members page: equal
-- account and list, then subscriber ids in ascending order from a cursor.
CREATE TABLE list_members (
  account_id VARCHAR(128) NOT NULL,
  list_id VARCHAR(128) NOT NULL,
  subscriber_id VARCHAR(32) NOT NULL,
  status VARCHAR(16) NOT NULL,
  since TIMESTAMP(6) NOT NULL,
  CONSTRAINT list_members_pk PRIMARY KEY (account_id, list_id, subscriber_id)
);

-- Every membership of given subscribers: read for a page, replaced or deleted by the projection.
CREATE INDEX list_members_subscriber_idx ON list_members (account_id, subscriber_id);

-- Engagement with campaigns, written in batches by TrackingWriter: one row per person and
-- campaign (and link), the first time only, so counts are of unique people.

CREATE TABLE campaign_opens (
  account_id VARCHAR(128) NOT NULL,
  campaign_id VARCHAR(64) NOT NULL,
  subscriber_id VARCHAR(32) NOT NULL,
  first_at DATETIME(6) NOT NULL,
  PRIMARY KEY (account_id, campaign_id, subscriber_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE campaign_clicks (
  account_id VARCHAR(128) NOT NULL,
  campaign_id VARCHAR(64) NOT NULL,
  subscriber_id VARCHAR(32) NOT NULL,
  link_index INT NOT NULL,
  first_at DATETIME(6) NOT NULL,
  PRIMARY KEY (account_id, campaign_id, subscriber_id, link_index)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE campaign_unsubscribes (
  account_id VARCHAR(128) NOT NULL,
  campaign_id VARCHAR(64) NOT NULL,
  subscriber_id VARCHAR(32) NOT NULL,
  at DATETIME(6) NOT NULL,
  PRIMARY KEY (account_id, campaign_id, subscriber_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

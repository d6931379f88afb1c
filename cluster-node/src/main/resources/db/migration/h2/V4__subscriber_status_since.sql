-- When a subscriber's global status last changed: the time of a suppression (unsubscribed from
-- all, bounced, complained, blocklisted). Rows written before have their creation time.
ALTER TABLE subscribers ADD COLUMN status_since TIMESTAMP(6);
UPDATE subscribers SET status_since = created_at;
ALTER TABLE subscribers ALTER COLUMN status_since SET NOT NULL;

-- The suppression list and status counts read one account's rows of one status in id order.
CREATE INDEX subscribers_status_idx ON subscribers (account_id, status, id);

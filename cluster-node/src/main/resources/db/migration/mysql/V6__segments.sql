-- Segments: filters over the subscriber read model (ADR 0008). Attributes are read with the
-- server's JSON functions; nothing to create for them.

-- Activity conditions without a campaign look a person up across campaigns.
CREATE INDEX campaign_opens_subscriber_idx ON campaign_opens (account_id, subscriber_id, first_at);
CREATE INDEX campaign_clicks_subscriber_idx ON campaign_clicks (account_id, subscriber_id, first_at);

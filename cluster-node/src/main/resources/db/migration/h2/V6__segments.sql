-- Segments: filters over the subscriber read model (ADR 0008).
--
-- Attributes are JSON text, and H2 has no JSON path functions: these Java functions read one
-- top-level key, null when it is absent or of another type. DETERMINISTIC lets H2 reuse a result
-- within a statement.
CREATE ALIAS HERALD_ATTR_TEXT DETERMINISTIC FOR 'io.herald.node.segment.H2Attributes.text';
CREATE ALIAS HERALD_ATTR_NUMBER DETERMINISTIC FOR 'io.herald.node.segment.H2Attributes.number';
CREATE ALIAS HERALD_ATTR_BOOL DETERMINISTIC FOR 'io.herald.node.segment.H2Attributes.bool';
CREATE ALIAS HERALD_ATTR_DATE DETERMINISTIC FOR 'io.herald.node.segment.H2Attributes.date';
CREATE ALIAS HERALD_ATTR_PRESENT DETERMINISTIC FOR 'io.herald.node.segment.H2Attributes.present';

-- Activity conditions without a campaign look a person up across campaigns.
CREATE INDEX campaign_opens_subscriber_idx ON campaign_opens (account_id, subscriber_id, first_at);
CREATE INDEX campaign_clicks_subscriber_idx ON campaign_clicks (account_id, subscriber_id, first_at);

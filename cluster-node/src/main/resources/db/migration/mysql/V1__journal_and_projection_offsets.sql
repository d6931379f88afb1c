-- Storage of pekko-persistence-jdbc 1.1.1 and pekko-projection-jdbc 1.0.0 on MySQL and MariaDB.
--
-- Differences from the plugins' own DDL, on purpose:
-- * Every table compares text byte for byte (utf8mb4_bin): persistence ids and tags are
--   case-sensitive keys, and a case-insensitive collation would make two of them collide.
-- * Event and snapshot payloads are LONGBLOB. A plain BLOB holds 64 KiB, and a subscriber
--   partition writes up to herald.subscribers.max-batch subscribers in one event and all of
--   them in one snapshot; strict mode would refuse the write.
-- * No durable_state table: pekko-persistence-jdbc 1.1.1 supports durable state on H2,
--   PostgreSQL, SQL Server and Oracle only, and refuses a MySQL profile.

CREATE TABLE event_journal (
  ordering BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  deleted BOOLEAN DEFAULT FALSE NOT NULL,
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  writer TEXT NOT NULL,
  write_timestamp BIGINT NOT NULL,
  adapter_manifest TEXT NOT NULL,
  event_payload LONGBLOB NOT NULL,
  event_ser_id INTEGER NOT NULL,
  event_ser_manifest TEXT NOT NULL,
  meta_payload BLOB,
  meta_ser_id INTEGER,
  meta_ser_manifest TEXT,
  PRIMARY KEY (persistence_id, sequence_number),
  -- The global ordering: tags refer to it, and queries by tag read forward along it.
  UNIQUE KEY event_journal_ordering_idx (ordering)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE event_tag (
  event_id BIGINT UNSIGNED NOT NULL,
  tag VARCHAR(255) NOT NULL,
  PRIMARY KEY (event_id, tag),
  -- eventsByTag filters on one tag and reads forward from an ordering; the primary key starts
  -- with the event id and cannot serve that.
  KEY event_tag_tag_idx (tag, event_id),
  CONSTRAINT event_tag_journal_fk FOREIGN KEY (event_id)
    REFERENCES event_journal (ordering) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE snapshot (
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  created BIGINT NOT NULL,
  snapshot_ser_id INTEGER NOT NULL,
  snapshot_ser_manifest TEXT NOT NULL,
  snapshot_payload LONGBLOB NOT NULL,
  meta_ser_id INTEGER,
  meta_ser_manifest TEXT,
  meta_payload BLOB,
  PRIMARY KEY (persistence_id, sequence_number)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The projection offset store. The plugin's own DDL adds an index on projection_name alone;
-- the primary key already starts with that column, so it is left out.
CREATE TABLE pekko_projection_offset_store (
  projection_name VARCHAR(255) NOT NULL,
  projection_key VARCHAR(255) NOT NULL,
  current_offset VARCHAR(255) NOT NULL,
  manifest VARCHAR(4) NOT NULL,
  mergeable BOOLEAN NOT NULL,
  last_updated BIGINT NOT NULL,
  PRIMARY KEY (projection_name, projection_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Whether an operator paused a projection instance.
CREATE TABLE pekko_projection_management (
  projection_name VARCHAR(255) NOT NULL,
  projection_key VARCHAR(255) NOT NULL,
  paused BOOLEAN NOT NULL,
  last_updated BIGINT NOT NULL,
  PRIMARY KEY (projection_name, projection_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

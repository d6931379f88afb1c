-- Storage of pekko-persistence-jdbc 1.1.1 and pekko-projection-jdbc 1.0.0 on H2.
--
-- Both plugins quote their identifiers on H2 (the projection offset store because
-- pekko.projection.jdbc.offset-store.use-lowercase-schema = true), so every name here is a
-- quoted lower-case identifier; unquoted, H2 would fold it to upper case and the plugins would
-- not find it.

CREATE TABLE "event_journal" (
  "ordering" BIGINT NOT NULL AUTO_INCREMENT,
  "deleted" BOOLEAN DEFAULT FALSE NOT NULL,
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "writer" VARCHAR NOT NULL,
  "write_timestamp" BIGINT NOT NULL,
  "adapter_manifest" VARCHAR NOT NULL,
  "event_payload" BLOB NOT NULL,
  "event_ser_id" INTEGER NOT NULL,
  "event_ser_manifest" VARCHAR NOT NULL,
  "meta_payload" BLOB,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  PRIMARY KEY ("persistence_id", "sequence_number"),
  -- The global ordering: tags refer to it, and queries by tag read forward along it. The
  -- plugin's DDL adds a second unique index on the same column; one is enough.
  CONSTRAINT "event_journal_ordering_idx" UNIQUE ("ordering")
);

CREATE TABLE "event_tag" (
  "event_id" BIGINT NOT NULL,
  "tag" VARCHAR NOT NULL,
  PRIMARY KEY ("event_id", "tag"),
  CONSTRAINT "event_tag_journal_fk" FOREIGN KEY ("event_id")
    REFERENCES "event_journal" ("ordering") ON DELETE CASCADE
);

-- eventsByTag filters on one tag and reads forward from an ordering; the primary key starts with
-- the event id and cannot serve that.
CREATE INDEX "event_tag_tag_idx" ON "event_tag" ("tag", "event_id");

CREATE TABLE "snapshot" (
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "created" BIGINT NOT NULL,
  "snapshot_ser_id" INTEGER NOT NULL,
  "snapshot_ser_manifest" VARCHAR NOT NULL,
  "snapshot_payload" BLOB NOT NULL,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  "meta_payload" BLOB,
  PRIMARY KEY ("persistence_id", "sequence_number")
);

CREATE SEQUENCE "global_offset_seq";

CREATE TABLE "durable_state" (
  "global_offset" BIGINT DEFAULT NEXT VALUE FOR "global_offset_seq",
  "persistence_id" VARCHAR(255) NOT NULL,
  "revision" BIGINT NOT NULL,
  "state_payload" BLOB NOT NULL,
  "state_serial_id" INTEGER NOT NULL,
  "state_serial_manifest" VARCHAR,
  "tag" VARCHAR,
  "state_timestamp" BIGINT NOT NULL,
  PRIMARY KEY ("persistence_id")
);
CREATE INDEX "state_tag_idx" ON "durable_state" ("tag");
CREATE INDEX "state_global_offset_idx" ON "durable_state" ("global_offset");

-- The projection offset store. The plugin's own DDL adds an index on projection_name alone;
-- the primary key already starts with that column, so it is left out.
CREATE TABLE "pekko_projection_offset_store" (
  "projection_name" VARCHAR(255) NOT NULL,
  "projection_key" VARCHAR(255) NOT NULL,
  "current_offset" VARCHAR(255) NOT NULL,
  "manifest" VARCHAR(4) NOT NULL,
  "mergeable" BOOLEAN NOT NULL,
  "last_updated" BIGINT NOT NULL,
  PRIMARY KEY ("projection_name", "projection_key")
);

-- Whether an operator paused a projection instance.
CREATE TABLE "pekko_projection_management" (
  "projection_name" VARCHAR(255) NOT NULL,
  "projection_key" VARCHAR(255) NOT NULL,
  "paused" BOOLEAN NOT NULL,
  "last_updated" BIGINT NOT NULL,
  PRIMARY KEY ("projection_name", "projection_key")
);

package io.herald.node.storage;

import java.util.Set;

/** {@link DatabaseContract} on the MariaDB server of the test machine. */
class MariaDbDatabaseTest extends DatabaseContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.mariaDb();
  }

  @Override
  protected Set<String> expectedTables() {
    // No durable_state: pekko-persistence-jdbc 1.1.1 has no durable state on MySQL.
    return Set.of(
        "event_journal",
        "event_tag",
        "snapshot",
        "pekko_projection_offset_store",
        "pekko_projection_management",
        "subscribers",
        "list_members",
        "flyway_schema_history");
  }
}

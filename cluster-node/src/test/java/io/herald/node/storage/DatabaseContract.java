package io.herald.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link Database} promises on every vendor; one subclass per backend runs it. */
abstract class DatabaseContract {

  private ScratchDatabase scratch;

  /** A new empty database of the backend under test. */
  protected abstract ScratchDatabase createScratch();

  /** The tables the plugins and the read models need on this backend. */
  protected abstract Set<String> expectedTables();

  @BeforeEach
  void createDatabase() {
    scratch = createScratch();
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    scratch.close();
  }

  @Test
  void startingMigratesAnEmptyDatabaseToTheLatestVersion() throws SQLException {
    try (Database db = Database.start(scratch.settings())) {
      assertThat(db.kind()).isEqualTo(scratch.settings().kind());
      assertThat(db.migrationsApplied()).isEqualTo(Migrations.count(db.kind()));
      assertThat(db.schemaVersion()).isEqualTo(Migrations.latest(db.kind()));
      assertThat(tables(db)).containsAll(expectedTables());
    }
  }

  @Test
  void startingAgainOnACurrentSchemaAppliesNothing() throws SQLException {
    Set<String> tablesAfterFirstStart;
    try (Database first = Database.start(scratch.settings())) {
      tablesAfterFirstStart = tables(first);
    }
    try (Database second = Database.start(scratch.settings())) {
      assertThat(second.migrationsApplied()).isZero();
      assertThat(second.schemaVersion()).isEqualTo(Migrations.latest(second.kind()));
      assertThat(tables(second)).isEqualTo(tablesAfterFirstStart);
    }
  }

  @Test
  void sessionCommitsOnlyWhenToldTo() throws Exception {
    try (Database db = Database.start(scratch.settings())) {
      String offsets = scratch.pluginIdentifier("pekko_projection_offset_store");
      String insert = "INSERT INTO " + offsets + " VALUES ('p', '%s', '1', 'SEQ', FALSE, 0)";

      DatabaseSession rolledBack = db.session();
      rolledBack.withConnection(c -> execute(c, String.format(insert, "rolled-back")));
      rolledBack.rollback();
      rolledBack.close();

      DatabaseSession committed = db.session();
      committed.withConnection(c -> execute(c, String.format(insert, "committed")));
      committed.commit();
      committed.close();

      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + offsets)) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }

  private static int execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      return statement.executeUpdate(sql);
    }
  }

  private static Set<String> tables(Database db) throws SQLException {
    Set<String> names = new HashSet<>();
    try (Connection connection = db.dataSource().getConnection()) {
      DatabaseMetaData meta = connection.getMetaData();
      try (ResultSet rs = meta.getTables(connection.getCatalog(), null, "%", null)) {
        while (rs.next()) {
          String schema = rs.getString("TABLE_SCHEM");
          if (schema == null || !schema.equalsIgnoreCase("INFORMATION_SCHEMA")) {
            names.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    return names;
  }
}
